using Istore.Node.Persistence;

namespace Istore.Node.Hosting;

/// <summary>The settings CONFIG GET shows and CONFIG SET changes: the node's real, live values.</summary>
public sealed class NodeConfig
{
    private readonly NodeServer _node;
    /// <summary>Per parameter: its current value, and (if mutable) a parser that returns the change to apply or an error.</summary>
    private readonly Dictionary<string, (Func<string> Get, Func<string, (Action? Apply, string? Error)>? Parse)> _entries;

    public NodeConfig(NodeServer node)
    {
        _node = node;
        var o = node.Options;
        SetRequirePass(string.IsNullOrEmpty(o.RequirePass) ? null : o.RequirePass);
        _bind = o.Bind;
        CheckpointLogBytes = o.CheckpointLogBytes;
        _entries = new(StringComparer.OrdinalIgnoreCase)
        {
            ["bind"] = (() => _bind, ParseBind),
            ["port"] = (() => node.Host.Port.ToString(), ParsePort),
            ["dir"] = (() => Path.GetFullPath(o.Directory), null),
            ["dbfilename"] = (() => "checkpoints", null),
            ["appendonly"] = Fixed(() => "yes"),
            ["appenddirname"] = (() => "aof", null),
            ["stream-node-max-entries"] = (() => Objects.Streams.StreamLimits.NodeMaxEntries.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Objects.Streams.StreamLimits.NodeMaxEntries = (int)n)),
            ["stream-node-max-bytes"] = (() => Objects.Streams.StreamLimits.NodeMaxBytes.ToString(), v => ParseInRange(v, 0, long.MaxValue, n => Objects.Streams.StreamLimits.NodeMaxBytes = n)),
            ["appendfsync"] = (() => node.Database.Log.Policy.ToString().ToLowerInvariant(), ParseFsync),
            ["requirepass"] = (() => RequirePass ?? "", v => (() => SetRequirePass(v.Length == 0 ? null : v), null)),
            ["maxclients"] = (() => node.Host.MaxClients.ToString(), v => ParseInRange(v, 1, int.MaxValue, n => node.Host.MaxClients = (int)n)),
            ["maxmemory"] = (() => Volatile.Read(ref node.Database.MaxMemory).ToString(), ParseMaxMemory),
            ["maxmemory-policy"] = (() => Keyspace.EvictionPolicies.Name(node.Database.Policy), ParsePolicy),
            ["proto-max-bulk-len"] = Fixed(() => o.MaxBulkLength.ToString()),
            ["io-threads"] = (() => o.Threads.ToString(), null),
            ["databases"] = (() => "1", null),
            ["engine"] = Fixed(() => o.Engine),
            ["masterauth"] = (() => Repl.MasterAuth ?? "", v => (() => Repl.MasterAuth = v.Length == 0 ? null : v, null)),
            ["repl-backlog-size"] = (() => Repl.BacklogBytes.ToString(), ParseBacklog),
            ["repl-timeout"] = (() => (Repl.TimeoutMs / 1000).ToString(), v => ParseInRange(v, 1, int.MaxValue, n => Repl.TimeoutMs = n * 1000)),
            ["min-replicas-to-write"] = (() => Repl.MinReplicasToWrite.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Repl.MinReplicasToWrite = (int)n)),
            ["min-slaves-to-write"] = (() => Repl.MinReplicasToWrite.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Repl.MinReplicasToWrite = (int)n)),
            ["min-replicas-max-lag"] = (() => Repl.MinReplicasMaxLagSeconds.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Repl.MinReplicasMaxLagSeconds = (int)n)),
            ["min-slaves-max-lag"] = (() => Repl.MinReplicasMaxLagSeconds.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Repl.MinReplicasMaxLagSeconds = (int)n)),
            ["sync-replicas"] = (() => Repl.SyncReplicas.ToString(), v => ParseInRange(v, 0, int.MaxValue, n => Repl.SyncReplicas = (int)n)),
            ["sync-replicas-timeout"] = (() => Repl.SyncReplicasTimeoutMs.ToString(), v => ParseInRange(v, 1, int.MaxValue, n => Repl.SyncReplicasTimeoutMs = n)),
            ["replica-read-only"] = Fixed(() => "yes"),
            ["slave-read-only"] = Fixed(() => "yes"),
            ["replicaof"] = (() => node.Replication.Link is { } link ? $"{link.Host} {link.Port}" : "", null),
            ["busy-reply-threshold"] = (() => node.Scripts.BusyThresholdMs.ToString(), v => ParseInRange(v, 0, long.MaxValue, n => node.Scripts.BusyThresholdMs = n)),
            ["lua-time-limit"] = (() => node.Scripts.BusyThresholdMs.ToString(), v => ParseInRange(v, 0, long.MaxValue, n => node.Scripts.BusyThresholdMs = n)),
            ["checkpoint-log-bytes"] = (() => CheckpointLogBytes.ToString(), v => ParseInRange(v, 1, long.MaxValue, n => CheckpointLogBytes = n)),
            ["client-output-buffer-limit"] = (() => node.Host.OutputLimits.ToString(), ParseOutputBufferLimit),
            ["notify-keyspace-events"] = (() => PubSub.KeyspaceEvents.Format(node.Database.Events.Flags), ParseNotifyKeyspaceEvents),
        };
        foreach (var parameter in RedisParameters.All)
            AddStored(parameter);
        if (o.NotifyKeyspaceEvents is { } classes)
        {
            var (apply, error) = ParseNotifyKeyspaceEvents(classes);
            (apply ?? throw new ArgumentException("notify-keyspace-events: " + error))();
        }
    }

    /// <summary>Redis's names the node does not act on by itself: kept, validated and returned; a few drive a live setting through a hook.</summary>
    private void AddStored(RedisParameter parameter)
    {
        if (_entries.TryGetValue(parameter.Name, out var live))
        {
            if (parameter.Alias is not null)
                _entries.TryAdd(parameter.Alias, live);
            return;
        }
        _stored[parameter.Name] = parameter.Default;
        Func<string, (Action?, string?)>? parse = !parameter.Mutable ? null : value =>
        {
            var (normalized, error) = parameter.Kind.Check(value);
            if (normalized is null)
                return (null, error);
            return (() =>
            {
                lock (_stored)
                    _stored[parameter.Name] = normalized;
                if (StoredHooks.TryGetValue(parameter.Name, out var hook))
                    hook(_node, normalized);
            }, null);
        };
        (Func<string>, Func<string, (Action?, string?)>?) entry = (() => { lock (_stored) return _stored[parameter.Name]; }, parse);
        _entries[parameter.Name] = entry;
        if (parameter.Alias is not null)
            _entries[parameter.Alias] = entry;
        _canonical[parameter.Alias ?? parameter.Name] = parameter.Name;
        if (parameter.Sensitive)
            Sensitive.Add(parameter.Name);
        if (parameter.Hidden)
            _hidden.Add(parameter.Name);
    }

    private readonly Dictionary<string, string> _stored = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Alias → the parameter's own name (Redis names the parameter itself in CONFIG SET's value errors).</summary>
    private readonly Dictionary<string, string> _canonical = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Stored parameters that also steer something live, applied after their (validated) value is kept.</summary>
    private static readonly Dictionary<string, Action<NodeServer, string>> StoredHooks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["slowlog-log-slower-than"] = (node, v) =>
        {
            node.Diagnostics.SlowLog.SlowerThanMicros = long.Parse(v);
            node.Diagnostics.ThresholdsChanged();
        },
        ["slowlog-max-len"] = (node, v) =>
        {
            node.Diagnostics.SlowLog.MaxLength = long.Parse(v);
            node.Diagnostics.SlowLog.Trim();
        },
        ["latency-monitor-threshold"] = (node, v) =>
        {
            node.Diagnostics.Latency.ThresholdMs = long.Parse(v);
            node.Diagnostics.ThresholdsChanged();
        },
        ["maxmemory-samples"] = (node, v) => node.Database.EvictionSamples = ClampToInt(v),
        ["maxmemory-clients"] = (node, _) => node.Config.ApplyClientMemoryLimit(),
        ["client-query-buffer-limit"] = (node, v) => node.Host.MaxQueryBuffer = long.Parse(v),
        ["lfu-log-factor"] = (node, v) => node.Database.Access.LogFactor = ClampToInt(v),
        ["lfu-decay-time"] = (node, v) => node.Database.Access.DecayMinutes = ClampToInt(v),
        ["tracking-table-max-keys"] = (node, v) => node.Database.Tracking.MaxKeys = long.Parse(v),
        ["hash-max-listpack-entries"] = (_, v) => Objects.EncodingLimits.HashEntries = ClampToInt(v),
        ["hash-max-listpack-value"] = (_, v) => Objects.EncodingLimits.HashValue = ClampToInt(v),
        ["set-max-intset-entries"] = (_, v) => Objects.EncodingLimits.IntsetEntries = ClampToInt(v),
        ["set-max-listpack-entries"] = (_, v) => Objects.EncodingLimits.SetEntries = ClampToInt(v),
        ["set-max-listpack-value"] = (_, v) => Objects.EncodingLimits.SetValue = ClampToInt(v),
        ["zset-max-listpack-entries"] = (_, v) => Objects.EncodingLimits.SortedSetEntries = ClampToInt(v),
        ["zset-max-listpack-value"] = (_, v) => Objects.EncodingLimits.SortedSetValue = ClampToInt(v),
        ["list-max-listpack-size"] = (_, v) => Objects.EncodingLimits.ListNodeFill = ClampToInt(v),
        ["acllog-max-len"] = (node, v) => node.Acl.Log.MaxLength = long.Parse(v),
        ["acl-pubsub-default"] = (node, v) => node.Acl.PubSubDefaultAllChannels = v.Equals("allchannels", StringComparison.OrdinalIgnoreCase),
        ["rdbcompression"] = (_, v) => Dump.RdbWriter.Compression = v.Equals("yes", StringComparison.OrdinalIgnoreCase),
        ["latency-tracking"] = (_, v) => Admin.LatencyHistograms.Tracking = v.Equals("yes", StringComparison.OrdinalIgnoreCase),
        ["latency-tracking-info-percentiles"] = (_, v) => Admin.LatencyHistograms.InfoPercentiles =
            v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        ["replica-serve-stale-data"] = (node, v) => node.Replication.Settings.ServeStaleData = v.Equals("yes", StringComparison.OrdinalIgnoreCase),
    };

    private static int ClampToInt(string value) => (int)Math.Min(long.Parse(value), int.MaxValue);

    private static readonly HashSet<string> Sensitive = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parameters whose values SLOWLOG shows as "(redacted)", as Redis does.</summary>
    public static bool IsSensitive(string name) => Sensitive.Contains(name) || name.Equals("requirepass", StringComparison.OrdinalIgnoreCase) || name.Equals("masterauth", StringComparison.OrdinalIgnoreCase);

    private (Action?, string?) ParseNotifyKeyspaceEvents(string value) =>
        PubSub.KeyspaceEvents.Parse(value) is { } flags
            ? (() => _node.Database.Events.Flags = flags, null)
            : (null, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");

    /// <summary>Checks every class first, so a bad value changes nothing (the classes it does not name keep their limits).</summary>
    private (Action?, string?) ParseOutputBufferLimit(string value) =>
        Istore.Net.Server.OutputBufferLimits.Check(value) is { } error
            ? (null, error)
            : (() => _node.Host.OutputLimits.Set(value), null);

    /// <summary>
    /// maxmemory set by a user: Redis's data limit (0 = none), enforced under noeviction too from
    /// now on. The memory engine's in-RAM log keeps the size it was started with (--maxmemory).
    /// </summary>
    private (Action?, string?) ParseMaxMemory(string value)
    {
        var (bytes, error) = RedisParameters.Find("maxmemory").Kind.Check(value);
        if (bytes is null)
            return (null, error);
        long limit = (long)Math.Min(decimal.Parse(bytes), long.MaxValue);
        return (() =>
        {
            MeasureNow();   // before the limit: it is checked against the measure
            Volatile.Write(ref _node.Database.MaxMemory, limit);
            _node.Database.MaxMemoryExplicit = true;
            ApplyClientMemoryLimit();   // a percentage of maxmemory follows it
        }, null);
    }

    /// <summary>
    /// maxmemory-clients in bytes for the host, as Redis's getClientEvictionLimit: an absolute
    /// amount, or a percentage of maxmemory (none while maxmemory is 0); 0 turns client eviction off.
    /// A lower limit evicts at once.
    /// </summary>
    internal void ApplyClientMemoryLimit()
    {
        string value;
        lock (_stored)
            value = _stored["maxmemory-clients"];
        long limit = value.EndsWith('%')
            ? (long)(Volatile.Read(ref _node.Database.MaxMemory) * (decimal.Parse(value[..^1]) / 100))
            : (long)Math.Min(decimal.Parse(value), long.MaxValue);
        _node.Host.ClientMemory.Limit = limit;
    }

    /// <summary>A policy that evicts makes the engine measure its dataset first (the disk engine measures only from then on).</summary>
    private (Action?, string?) ParsePolicy(string value)
    {
        var (name, error) = RedisParameters.Find("maxmemory-policy").Kind.Check(value);
        if (name is null)
            return (null, error);
        var policy = Keyspace.EvictionPolicies.Parse(name)!.Value;
        return (() =>
        {
            if (policy != Keyspace.EvictionPolicy.NoEviction)
                MeasureNow();
            _node.Database.Policy = policy;
        }, null);
    }

    /// <summary>
    /// The dataset measure these pairs need before they apply (maxmemory, an evicting policy):
    /// null when none is needed or it is known, else the measure under way. CONFIG SET waits for it
    /// as a blocked client waits, off its loop, and then runs again.
    /// </summary>
    public Task? MeasureFor(IReadOnlyList<(string Name, string Value)> pairs) =>
        pairs.Any(pair => pair.Name.Equals("maxmemory", StringComparison.OrdinalIgnoreCase)
            || (pair.Name.Equals("maxmemory-policy", StringComparison.OrdinalIgnoreCase)
                && Keyspace.EvictionPolicies.Parse(pair.Value) is { } policy && policy != Keyspace.EvictionPolicy.NoEviction))
            ? StartMeasure() : null;

    private Task? StartMeasure()
    {
        using (_node.Database.Lock.Hold())
            return _node.Database.Engine.MeasureDataset();
    }

    /// <summary>The measure, waited for on this thread (inside MULTI or a script, where CONFIG SET cannot wait off the loop).</summary>
    private void MeasureNow() => StartMeasure()?.GetAwaiter().GetResult();

    public string? RequirePass { get; private set; }

    /// <summary>As Redis: requirepass is the default user's one password (none: nopass).</summary>
    private void SetRequirePass(string? password)
    {
        RequirePass = password;
        _node.Acl.SetDefaultPassword(password);
    }

    private Replication.ReplicationSettings Repl => _node.Options.Replication;

    private (Action?, string?) ParseBacklog(string value)
    {
        if (!ByteSize.TryParse(value, out long bytes))
            return (null, "argument must be a memory value");
        if (bytes < 16 * 1024 || bytes > int.MaxValue)
            return (null, "argument must be between 16384 and 2147483647 inclusive");
        return (() =>
        {
            Repl.BacklogBytes = bytes;
            _node.Replication.Backlog.Resize(bytes);
        }, null);
    }

    /// <summary>The least log growth that starts a checkpoint by itself (checkpoint-log-bytes, <c>--checkpoint-log-size</c>).</summary>
    public long CheckpointLogBytes { get; private set; }

    /// <summary>Redis's auto-aof-rewrite-percentage: how much the log must also have grown, against the data the last checkpoint holds (0: never by itself).</summary>
    public long CheckpointGrowthPercent
    {
        get
        {
            lock (_stored)
                return long.Parse(_stored["auto-aof-rewrite-percentage"]);
        }
    }

    /// <summary>Parameters whose names match the glob, as (name, value).</summary>
    /// <summary>Redis's hidden parameters (test hooks): only a plain name finds them.</summary>
    private readonly HashSet<string> _hidden = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The parameters <paramref name="pattern"/> matches; <paramref name="plain"/> (no glob) also finds hidden ones.</summary>
    public IEnumerable<(string Name, string Value)> Get(GlobPattern pattern, bool plain) =>
        _entries.Where(e => (plain || !_hidden.Contains(e.Key)) && pattern.IsMatch(System.Text.Encoding.UTF8.GetBytes(e.Key)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value.Get()));

    /// <summary>
    /// CONFIG SET of several pairs, all or nothing as in Redis: every pair is checked before any
    /// is applied. Returns Redis's error text, or null on success.
    /// </summary>
    public string? Set(IReadOnlyList<(string Name, string Value)> pairs)
    {
        var changes = new List<(string Name, Action Apply)>();
        var unknown = pairs.FirstOrDefault(pair => !_entries.ContainsKey(pair.Name)).Name;
        if (unknown is not null)
            return $"ERR Unknown option or number of arguments for CONFIG SET - '{unknown}'";
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in pairs)
        {
            // Redis's protected configs, refused while enable-protected-configs is "no" (immutable here).
            if (name.Equals("dir", StringComparison.OrdinalIgnoreCase) || name.Equals("dbfilename", StringComparison.OrdinalIgnoreCase))
                return $"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set protected config";
            if (_entries[name].Parse is null)
                return $"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config";
            if (!seen.Add(_canonical.GetValueOrDefault(name, name)))
                return $"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter";
        }
        foreach (var (name, value) in pairs)
        {
            var (apply, error) = _entries[name].Parse!(value);
            if (apply is null)
                return $"ERR CONFIG SET failed (possibly related to argument '{_canonical.GetValueOrDefault(name, name)}') - {error}";
            changes.Add((name, apply));
        }
        return Apply(changes);
    }

    /// <summary>
    /// Applies checked changes in order. One that fails as it applies (a port already taken) throws
    /// <see cref="ConfigApplyException"/>: the ones applied before it get their old values back, as
    /// Redis's CONFIG SET rolls back, and its error is returned.
    /// </summary>
    private string? Apply(List<(string Name, Action Apply)> changes)
    {
        var applied = new List<(string Name, string Before)>();
        foreach (var (name, apply) in changes)
        {
            string before = _entries[name].Get();
            try
            {
                apply();
            }
            catch (ConfigApplyException ex)
            {
                applied.Reverse();
                foreach (var (done, value) in applied)
                {
                    try { _entries[done].Parse!(value).Apply?.Invoke(); }
                    catch (ConfigApplyException) { /* a port given up a moment ago may still be held: the rest go back */ }
                }
                return $"ERR CONFIG SET failed (possibly related to argument '{_canonical.GetValueOrDefault(name, name)}') - {ex.Message}";
            }
            applied.Add((name, before));
        }
        return null;
    }

    /// <summary>bind as CONFIG GET shows it: one address here (Redis takes a list).</summary>
    private string _bind;

    /// <summary>bind: one IP address, or * for every IPv4 one; the listener moves at once, keeping the port.</summary>
    private (Action?, string?) ParseBind(string value)
    {
        string word = value.Trim().TrimStart('-');
        var address = word == "*" ? System.Net.IPAddress.Any : word == "::*" ? System.Net.IPAddress.IPv6Any
            : System.Net.IPAddress.TryParse(word, out var parsed) && !word.Contains(' ') ? parsed : null;
        return (() =>
        {
            if (address is null)
                throw new ConfigApplyException("Failed to bind to specified addresses.");
            if (!address.Equals(_node.Host.EndPoint.Address))
                Relisten(new System.Net.IPEndPoint(address, _node.Host.Port), _ => "Failed to bind to specified addresses.");
            _bind = value;
        }, null);
    }

    /// <summary>port: the listener moves at once (established connections stay); a port taken by another socket is refused.</summary>
    private (Action?, string?) ParsePort(string value)
    {
        if (!int.TryParse(value, out int port) || port is < 0 or > 65535)
            return (null, "argument must be between 0 and 65535 inclusive");
        if (port == 0)
            return (null, "port 0 (no TCP listener) is not supported: the node always listens on TCP");
        return (() =>
        {
            if (port != _node.Host.Port)
                Relisten(new System.Net.IPEndPoint(_node.Host.EndPoint.Address, port), reason => "Unable to listen on this port: " + reason);
        }, null);
    }

    /// <summary>Moves the listener; <paramref name="failure"/> words the error from the socket's, as Redis words it.</summary>
    private void Relisten(System.Net.IPEndPoint endpoint, Func<string, string> failure)
    {
        try
        {
            _node.Host.Relisten(endpoint);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new ConfigApplyException(failure(ex.Message));
        }
    }

    /// <summary>A checked CONFIG SET value that could not be put into effect.</summary>
    private sealed class ConfigApplyException(string message) : Exception(message);

    /// <summary>
    /// A parameter Redis changes at run time that is fixed here (the engine, the listening address,
    /// the always-on log): CONFIG SET of its current value is accepted and changes nothing, as a
    /// client that writes back what CONFIG GET gave expects; another value is refused.
    /// </summary>
    private static (Func<string> Get, Func<string, (Action?, string?)>? Parse) Fixed(Func<string> get) =>
        (get, v => v == get() ? (static () => { }, null) : (null, "it is fixed while the node runs (set it at start)"));

    private (Action?, string?) ParseFsync(string value) =>
        Enum.TryParse<FsyncPolicy>(value, ignoreCase: true, out var policy) && !int.TryParse(value, out _)
            ? (() => _node.Database.Log.Policy = policy, null)
            : (null, "argument(s) must be one of the following: everysec, always, no");

    private static (Action?, string?) ParseInRange(string value, long min, long max, Action<long> apply)
    {
        if (!long.TryParse(value, out long n))
            return (null, "argument couldn't be parsed into an integer");
        if (n < min || n > max)
            return (null, $"argument must be between {min} and {max} inclusive");
        return (() => apply(n), null);
    }
}
