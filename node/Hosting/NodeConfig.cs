using Istore.Node.Persistence;

namespace Istore.Node.Hosting;

/// <summary>The settings CONFIG GET shows and CONFIG SET changes: the node's real, live values.</summary>
public sealed class NodeConfig
{
    private readonly NodeServer _node;
    private readonly Dictionary<string, (Func<string> Get, Func<string, string?>? Set)> _entries;

    public NodeConfig(NodeServer node)
    {
        _node = node;
        var o = node.Options;
        RequirePass = string.IsNullOrEmpty(o.RequirePass) ? null : o.RequirePass;
        CheckpointLogBytes = o.CheckpointLogBytes;
        _entries = new(StringComparer.OrdinalIgnoreCase)
        {
            ["bind"] = (() => o.Bind, null),
            ["port"] = (() => o.Port.ToString(), null),
            ["dir"] = (() => Path.GetFullPath(o.Directory), null),
            ["dbfilename"] = (() => "checkpoints", null),
            ["appendonly"] = (() => "yes", null),
            ["appenddirname"] = (() => "aof", null),
            ["appendfsync"] = (() => node.Database.Log.Policy.ToString().ToLowerInvariant(), SetFsync),
            ["requirepass"] = (() => RequirePass ?? "", v => { RequirePass = v.Length == 0 ? null : v; return null; }),
            ["maxclients"] = (() => node.Host.MaxClients.ToString(), v => SetPositive(v, n => node.Host.MaxClients = (int)Math.Min(n, int.MaxValue))),
            ["maxmemory"] = (() => o.MaxMemory.ToString(), null),
            ["proto-max-bulk-len"] = (() => o.MaxBulkLength.ToString(), null),
            ["io-threads"] = (() => o.Threads.ToString(), null),
            ["databases"] = (() => "1", null),
            ["save"] = (() => "", null),
            ["timeout"] = (() => "0", null),
            ["engine"] = (() => o.Engine, null),
            ["checkpoint-log-bytes"] = (() => CheckpointLogBytes.ToString(), v => SetPositive(v, n => CheckpointLogBytes = n)),
        };
    }

    public string? RequirePass { get; private set; }

    public long CheckpointLogBytes { get; private set; }

    /// <summary>Parameters whose names match the glob, as (name, value).</summary>
    public IEnumerable<(string Name, string Value)> Get(Keyspace.GlobPattern pattern) =>
        _entries.Where(e => pattern.IsMatch(System.Text.Encoding.UTF8.GetBytes(e.Key)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value.Get()));

    /// <summary>Sets a parameter; returns Redis's error text, or null on success.</summary>
    public string? Set(string name, string value)
    {
        if (!_entries.TryGetValue(name, out var entry))
            return $"ERR Unknown option or number of arguments for CONFIG SET - '{name}'";
        if (entry.Set is null)
            return $"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config";
        var error = entry.Set(value);
        return error is null ? null : $"ERR CONFIG SET failed (possibly related to argument '{name}') - {error}";
    }

    private string? SetFsync(string value)
    {
        if (!Enum.TryParse<FsyncPolicy>(value, ignoreCase: true, out var policy) || int.TryParse(value, out _))
            return "argument(s) must be one of the following: always, everysec, no";
        _node.Database.Log.Policy = policy;
        return null;
    }

    private static string? SetPositive(string value, Action<long> apply)
    {
        if (!long.TryParse(value, out long n) || n <= 0)
            return "argument couldn't be parsed into an integer";
        apply(n);
        return null;
    }
}
