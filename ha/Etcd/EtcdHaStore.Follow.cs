namespace Istore.Ha.Etcd;

public sealed partial class EtcdHaStore
{
    /// <summary>
    /// Applies every change under the prefix from <paramref name="revision"/> on: topology commits
    /// (by any process), leader changes and proxies registered with other HA processes. The client reopens a broken watch where it stopped; if
    /// etcd compacted that far, both keys are read afresh and the watch starts after that read.
    /// </summary>
    private async Task FollowAsync(long revision, CancellationToken ct)
    {
        byte[] prefixEnd = EtcdKey.PrefixEnd(_prefix);
        try
        {
            while (true)
            {
                try
                {
                    await foreach (var change in _client.WatchAsync(_prefix, prefixEnd, revision, ct).ConfigureAwait(false))
                    {
                        var stored = change.Type == EtcdEventType.Delete ? null : change.Kv;
                        if (change.Kv.KeyText == _topologyKey)
                            ApplyTopology(stored, change.Kv.ModRevision);
                        else if (change.Kv.KeyText == _leaderKey)
                            ApplyLeader(stored, change.Kv.ModRevision);
                        else if (stored is not null && change.Kv.KeyText.StartsWith(_proxiesPrefix, StringComparison.Ordinal))
                            _proxies.Add(stored.ValueText);
                        revision = change.Kv.ModRevision + 1;
                    }
                }
                catch (EtcdException ex)
                {
                    EtcdLog.WatchRestarted(_logger, ex.Message);
                    revision = await ReadAgainAsync(ct).ConfigureAwait(false) + 1;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>A fresh read of both keys (a campaign: it also takes the lead if nobody has it), retried until etcd answers.</summary>
    private async Task<long> ReadAgainAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await CampaignAsync(ct).ConfigureAwait(false);
            }
            catch (EtcdException ex)
            {
                EtcdLog.LeadershipStepFailed(_logger, ex.Message);
                await Task.Delay(RenewEvery, ct).ConfigureAwait(false);
            }
        }
    }
}
