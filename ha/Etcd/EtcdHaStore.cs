using System.Diagnostics;
using System.Text;
using Istore.Ha.Config;
using Istore.Ha.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Istore.Ha.Etcd;

/// <summary>
/// The topology shared by several istore-ha processes through etcd, one of which leads. Keys under
/// <c>prefix</c>: <c>topology</c> (the HaConfig JSON) and <c>leader</c> (the leading process's id,
/// attached to its lease). Each process keeps a lease alive (TTL a few seconds) and campaigns for
/// the leader key whenever it is absent; every commit is one transaction fenced by the leader key
/// (this id, this lease) and by the topology's revision last seen, so a deposed leader or a stale
/// decision changes nothing. One watch on the prefix keeps <see cref="Current"/> and
/// <see cref="Leader"/> up to date. The store owns <c>client</c> and disposes it.
/// </summary>
public sealed partial class EtcdHaStore : IHaStore
{
    public const string DefaultPrefix = "/istore/ha/";

    private readonly EtcdClient _client;
    private readonly string _id;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly string _topologyKey;
    private readonly string _leaderKey;
    private readonly string _proxiesPrefix;
    private readonly ProxyRegistry _proxies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private Task _leadership = Task.CompletedTask;
    private Task _follower = Task.CompletedTask;
    private int _disposed;

    // Under _sync. The topology: the last valid value, the revision of what etcd holds now (0 when
    // absent; a refused value's revision too, so the leader's next commit replaces it), and the
    // revision up to which etcd's state has been applied (older reads and events are skipped).
    private HaConfig _current = new();
    private long _topologyRevision;
    private long _topologySeenAt;

    /// <param name="client">etcd's endpoints; disposed with the store.</param>
    /// <param name="id">This process's id, the leader key's value while it leads (e.g. its listen address).</param>
    /// <param name="prefix">Where the keys live; different prefixes keep separate HA groups apart in one etcd.</param>
    /// <param name="leaseTtlSeconds">How long a silent leader keeps the lead; renewed every third of it.</param>
    public EtcdHaStore(EtcdClient client, string id, ILogger? logger = null, string prefix = DefaultPrefix, int leaseTtlSeconds = 3)
    {
        if (string.IsNullOrEmpty(id))
            throw new ArgumentException("the process id must not be empty", nameof(id));
        if (leaseTtlSeconds < 2)
            throw new ArgumentOutOfRangeException(nameof(leaseTtlSeconds), "etcd's lease TTL must be at least 2 s");
        _client = client;
        _id = id;
        _logger = logger ?? NullLogger.Instance;
        _prefix = prefix;
        _topologyKey = prefix + "topology";
        _leaderKey = prefix + "leader";
        _proxiesPrefix = prefix + "proxies/";
        _leaseTtlSeconds = leaseTtlSeconds;
    }

    public HaConfig Current
    {
        get { lock (_sync) return _current; }
    }

    public event Action<HaConfig>? Changed;

    public IReadOnlyCollection<string> Proxies => _proxies.All;

    public event Action? ProxiesChanged
    {
        add => _proxies.Changed += value;
        remove => _proxies.Changed -= value;
    }

    /// <summary>A key per proxy under <c>proxies/</c>, without a lease: a registered proxy stays known, its probes say whether it serves.</summary>
    public async Task RegisterProxyAsync(string entry, CancellationToken ct)
    {
        _proxies.Add(entry);
        await _client.PutAsync(_proxiesPrefix + entry.Split(' ')[0], entry, 0, ct).ConfigureAwait(false);
    }

    /// <summary>The proxies other HA processes registered before this one started.</summary>
    private async Task LoadProxiesAsync(CancellationToken ct)
    {
        var known = await _client.RangeAsync(new EtcdRangeRequest { Key = EtcdKey.Bytes(_proxiesPrefix), RangeEnd = EtcdKey.PrefixEnd(_proxiesPrefix) }, ct).ConfigureAwait(false);
        foreach (var kv in known.Kvs ?? [])
            _proxies.Add(kv.ValueText);
    }

    /// <summary>
    /// Seeds the topology with <paramref name="initial"/> only if etcd has none, else takes etcd's
    /// (refusing one that does not parse or check), then takes a lease, campaigns, and starts
    /// renewing the lease and watching. An unreachable etcd is an <see cref="EtcdUnavailableException"/>.
    /// </summary>
    public async Task StartAsync(HaConfig initial, CancellationToken ct)
    {
        HaConfigLoader.Check(initial);
        var seed = await _client.TxnAsync(new()
        {
            Compare = [EtcdCompare.CreateRevisionIs(_topologyKey, EtcdCompareResult.Equal, 0)],
            Success = [EtcdOp.Put(_topologyKey, HaConfigLoader.Serialize(initial))],
            Failure = [EtcdOp.Get(_topologyKey)],
        }, ct).ConfigureAwait(false);
        lock (_sync)
        {
            if (seed.Succeeded)
                (_current, _topologyRevision) = (initial, seed.Header.Revision);
            else
            {
                var stored = seed.RangeResult(0)!;
                (_current, _topologyRevision) = (ParseStored(stored), stored.ModRevision);
            }
            _topologySeenAt = seed.Header.Revision;
        }
        await LoadProxiesAsync(ct).ConfigureAwait(false);
        await GrantLeaseAsync(ct).ConfigureAwait(false);
        long revision = await CampaignAsync(ct).ConfigureAwait(false);
        _leadership = KeepLeadershipAsync(_stop.Token);
        _follower = FollowAsync(revision + 1, _stop.Token);
    }

    /// <summary>
    /// One transaction: put <paramref name="next"/> if the leader key still holds this id with this
    /// lease and the topology is still at the revision last seen. When etcd cannot be reached this
    /// throws <see cref="EtcdUnavailableException"/> and the outcome is unknown: a commit that did
    /// land arrives through the watch like anyone else's.
    /// </summary>
    public async Task<bool> TryCommitAsync(HaConfig next, CancellationToken ct)
    {
        HaConfigLoader.Check(next);
        long revision, lease;
        lock (_sync)
        {
            if (!LeadsNow() || next.Version != _current.Version + 1)
                return false;
            (revision, lease) = (_topologyRevision, _lease);
        }
        var committed = await _client.TxnAsync(new()
        {
            Compare =
            [
                EtcdCompare.ValueIs(_leaderKey, EtcdCompareResult.Equal, _id),
                EtcdCompare.LeaseIs(_leaderKey, EtcdCompareResult.Equal, lease),
                EtcdCompare.ModRevisionIs(_topologyKey, EtcdCompareResult.Equal, revision),
            ],
            Success = [EtcdOp.Put(_topologyKey, HaConfigLoader.Serialize(next))],
        }, ct).ConfigureAwait(false);
        if (!committed.Succeeded)
            return false;
        bool changed;
        lock (_sync)
        {
            changed = committed.Header.Revision > _topologySeenAt;   // else the watch applied it already
            if (changed)
                (_current, _topologyRevision, _topologySeenAt) = (next, committed.Header.Revision, committed.Header.Revision);
        }
        if (changed)
            Changed?.Invoke(next);
        return true;
    }

    /// <summary>Applies etcd's topology as of <paramref name="asOf"/> (null: absent); raises <see cref="Changed"/> for a new valid one.</summary>
    private void ApplyTopology(EtcdKeyValue? stored, long asOf)
    {
        HaConfig? changed = null;
        lock (_sync)
        {
            if (asOf <= _topologySeenAt)
                return;
            _topologySeenAt = asOf;
            if (stored is null)
            {
                if (_topologyRevision != 0)
                    EtcdLog.TopologyDeleted(_logger, _topologyKey);
                _topologyRevision = 0;
                return;
            }
            if (stored.ModRevision == _topologyRevision)
                return;
            _topologyRevision = stored.ModRevision;
            try
            {
                changed = _current = ParseStored(stored);
            }
            catch (InvalidDataException ex)
            {
                EtcdLog.TopologyRefused(_logger, _topologyKey, stored.ModRevision, _current.Version, ex.Message);
            }
        }
        if (changed is not null)
            Changed?.Invoke(changed);
    }

    private HaConfig ParseStored(EtcdKeyValue stored)
    {
        try
        {
            return HaConfigLoader.Parse(Encoding.UTF8.GetString(stored.Value));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"etcd key {_topologyKey} (revision {stored.ModRevision}) holds no valid topology: {ex.Message}", ex);
        }
    }

    /// <summary>Stops acting as leader at once, then revokes the lease so another process takes over without waiting for its TTL.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Cancel();
        await Task.WhenAll(_leadership, _follower).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        long lease;
        lock (_sync)
        {
            (lease, _lease, _leaseDeadline, _holdsLeaderKey) = (_lease, 0, 0, false);
        }
        if (lease != 0)
        {
            try
            {
                await _client.LeaseRevokeAsync(lease, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EtcdException)
            {
                // Unreachable or already expired: the lease runs out by itself within its TTL.
            }
        }
        _client.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private static long Now => Stopwatch.GetTimestamp();
}
