using System.Diagnostics;
using System.Text;

namespace Istore.Ha.Etcd;

public sealed partial class EtcdHaStore
{
    private readonly long _leaseTtlSeconds;
    private readonly SemaphoreSlim _wake = new(0, 1);

    // Under _sync. The lease (0 while none), the monotonic time before which etcd cannot have let it
    // expire (0 after a failed renewal), and the leader key as of _leaderSeenAt.
    private long _lease;
    private long _leaseDeadline;
    private string? _leader;
    private bool _holdsLeaderKey;
    private long _leaderSeenAt;

    /// <summary>
    /// True only while this process holds the leader key with its live lease and the lease cannot
    /// have expired in etcd: the deadline counts from before the last renewal was sent, with a
    /// margin, and a failed renewal drops it at once. A process frozen past its TTL therefore wakes
    /// up as a non-leader before another can have been elected.
    /// </summary>
    public bool IsLeader
    {
        get { lock (_sync) return LeadsNow(); }
    }

    public string? Leader
    {
        get { lock (_sync) return _leader; }
    }

    private bool LeadsNow() => _holdsLeaderKey && Now < _leaseDeadline;

    private TimeSpan RenewEvery => TimeSpan.FromSeconds(_leaseTtlSeconds / 3.0);

    /// <summary>
    /// The lease is trusted for its TTL less one renewal period after a renewal was sent: while
    /// renewals succeed the deadline stays ahead, and when they stop the process gives up the lead a
    /// full period (a second of margin for an action already under way) before etcd can expire it.
    /// </summary>
    private long TrustedTicks(long ttlSeconds) => (long)((ttlSeconds - RenewEvery.TotalSeconds) * Stopwatch.Frequency);

    /// <summary>Renews the lease every third of its TTL, and campaigns whenever nobody leads (woken early when the leader key is deleted).</summary>
    private async Task KeepLeadershipAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(RenewEvery, ct).ConfigureAwait(false);
                await RenewLeaseAsync(ct).ConfigureAwait(false);
                bool campaign;
                lock (_sync)
                    campaign = _leader is null && _lease != 0;
                if (campaign)
                    await CampaignAsync(ct).ConfigureAwait(false);
            }
            catch (EtcdException ex)
            {
                EtcdLog.LeadershipStepFailed(_logger, ex.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RenewLeaseAsync(CancellationToken ct)
    {
        long lease;
        lock (_sync)
            lease = _lease;
        if (lease == 0)
        {
            await GrantLeaseAsync(ct).ConfigureAwait(false);
            return;
        }
        long sent = Now;
        long ttl;
        try
        {
            ttl = await _client.LeaseKeepAliveAsync(lease, ct).ConfigureAwait(false);
        }
        catch (EtcdException ex)
        {
            lock (_sync)
                _leaseDeadline = 0;
            EtcdLog.KeepAliveFailed(_logger, ex.Message);
            return;
        }
        if (ttl > 0)
        {
            lock (_sync)
            {
                if (_lease == lease)
                    _leaseDeadline = sent + TrustedTicks(ttl);
            }
            return;
        }
        EtcdLog.LeaseExpired(_logger, lease);
        lock (_sync)
            (_lease, _leaseDeadline, _holdsLeaderKey) = (0, 0, false);
        await GrantLeaseAsync(ct).ConfigureAwait(false);
    }

    private async Task GrantLeaseAsync(CancellationToken ct)
    {
        long sent = Now;
        var granted = await _client.LeaseGrantAsync(_leaseTtlSeconds, ct).ConfigureAwait(false);
        lock (_sync)
            (_lease, _leaseDeadline) = (granted.Id, sent + TrustedTicks(granted.Ttl));
    }

    /// <summary>
    /// Puts this id with the lease under the leader key if the key is absent (and there is a lease);
    /// either way reads the leader key and the topology in the same transaction and applies both.
    /// Returns the revision they were read at (a watch from the next one misses nothing).
    /// </summary>
    private async Task<long> CampaignAsync(CancellationToken ct)
    {
        long lease;
        lock (_sync)
            lease = _lease;
        EtcdOp[] read = [EtcdOp.Get(_leaderKey), EtcdOp.Get(_topologyKey)];
        var result = await _client.TxnAsync(lease == 0 ? new() { Success = [.. read] } : new()
        {
            Compare = [EtcdCompare.CreateRevisionIs(_leaderKey, EtcdCompareResult.Equal, 0)],
            Success = [EtcdOp.Put(_leaderKey, _id, lease), EtcdOp.Get(_topologyKey)],
            Failure = [.. read],
        }, ct).ConfigureAwait(false);
        long revision = result.Header.Revision;
        var leader = lease != 0 && result.Succeeded
            ? new EtcdKeyValue { Value = Encoding.UTF8.GetBytes(_id), Lease = lease, ModRevision = revision }
            : result.RangeResult(0);
        ApplyLeader(leader, revision);
        ApplyTopology(result.RangeResult(1), revision);
        return revision;
    }

    /// <summary>Applies the leader key as of <paramref name="asOf"/> (null: absent, so campaign now).</summary>
    private void ApplyLeader(EtcdKeyValue? stored, long asOf)
    {
        lock (_sync)
        {
            if (asOf <= _leaderSeenAt)
                return;
            _leaderSeenAt = asOf;
            string? leader = stored?.ValueText;
            bool mine = leader == _id && stored!.Lease == _lease && _lease != 0;
            if (leader != _leader || mine != _holdsLeaderKey)
            {
                if (mine)
                    EtcdLog.Elected(_logger, _id, _lease);
                else if (leader is not null)
                    EtcdLog.Following(_logger, _id, leader);
            }
            (_leader, _holdsLeaderKey) = (leader, mine);
            if (leader is null && _wake.CurrentCount == 0)
                _wake.Release();
        }
    }
}
