using Istore.Ha.Etcd;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Ha;

/// <summary>The etcd gateway client's own surface against a real etcd: transaction compares and branches, leases, and a watch across an etcd restart.</summary>
public sealed class EtcdClientTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>, IDisposable
{
    private readonly string _key = $"/istore-tests/{Guid.NewGuid():N}/k";
    private readonly EtcdClient _client = new([fixture.Etcd.Endpoint]);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_txn_compares_value_version_and_revisions_and_runs_the_branch_that_matches()
    {
        Assert.True((await _client.TxnAsync(Guarded(EtcdCompare.CreateRevisionIs(_key, EtcdCompareResult.Equal, 0), "v1"), default)).Succeeded);
        var stored = (await _client.GetAsync(_key, default))!;
        Assert.Equal(("v1", 1L), (stored.ValueText, stored.Version));

        var allHold = new EtcdTxnRequest
        {
            Compare =
            [
                EtcdCompare.ValueIs(_key, EtcdCompareResult.Equal, "v1"),
                EtcdCompare.VersionIs(_key, EtcdCompareResult.Equal, 1),
                EtcdCompare.CreateRevisionIs(_key, EtcdCompareResult.Equal, stored.CreateRevision),
                EtcdCompare.ModRevisionIs(_key, EtcdCompareResult.Equal, stored.ModRevision),
            ],
            Success = [EtcdOp.Put(_key, "v2")],
            Failure = [EtcdOp.Get(_key)],
        };
        Assert.True((await _client.TxnAsync(allHold, default)).Succeeded);
        var again = await _client.TxnAsync(allHold, default);
        Assert.False(again.Succeeded);
        Assert.Equal(("v2", 2L), (again.RangeResult(0)!.ValueText, again.RangeResult(0)!.Version));

        Assert.False((await _client.TxnAsync(Guarded(EtcdCompare.ValueIs(_key, EtcdCompareResult.NotEqual, "v2"), "v3"), default)).Succeeded);
        Assert.False((await _client.TxnAsync(Guarded(EtcdCompare.VersionIs(_key, EtcdCompareResult.Less, 2), "v3"), default)).Succeeded);
        var deleted = await _client.TxnAsync(new() { Compare = [EtcdCompare.VersionIs(_key, EtcdCompareResult.Greater, 1)], Success = [EtcdOp.Delete(_key)] }, default);
        Assert.True(deleted.Succeeded);
        Assert.Equal(1, deleted.Responses[0].ResponseDeleteRange!.Deleted);
        Assert.Null(await _client.GetAsync(_key, default));
    }

    [Fact]
    public async Task A_leased_key_lives_while_the_lease_is_renewed_and_goes_with_its_revocation()
    {
        var lease = await _client.LeaseGrantAsync(5, default);
        Assert.Equal(5, lease.Ttl);
        await _client.PutAsync(_key, "leased", lease.Id, default);
        Assert.True((await _client.TxnAsync(new() { Compare = [EtcdCompare.LeaseIs(_key, EtcdCompareResult.Equal, lease.Id)] }, default)).Succeeded);

        Assert.Equal(5, await _client.LeaseKeepAliveAsync(lease.Id, default));
        await _client.LeaseRevokeAsync(lease.Id, default);

        Assert.Null(await _client.GetAsync(_key, default));
        Assert.Equal(0, await _client.LeaseKeepAliveAsync(lease.Id, default));
        var error = await Assert.ThrowsAsync<EtcdException>(() => _client.LeaseRevokeAsync(lease.Id, default));
        Assert.Contains("lease not found", error.Message);
    }

    [Fact]
    public async Task A_watch_goes_on_after_an_etcd_restart_from_the_event_after_the_last_one_seen()
    {
        await using var etcd = await EtcdProcess.StartAsync();
        using var client = new EtcdClient([etcd.Endpoint]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var changes = client.WatchAsync("/w/", EtcdKey.PrefixEnd("/w/"), 1, stop.Token).GetAsyncEnumerator(stop.Token);
        await client.PutAsync("/w/a", "1", 0, default);
        await client.PutAsync("/w/b", "2", 0, default);
        await client.PutAsync("/x", "outside the prefix", 0, default);
        Assert.Equal("/w/a=1", await NextAsync(changes));
        Assert.Equal("/w/b=2", await NextAsync(changes));

        etcd.Kill();
        var pending = NextAsync(changes);
        await etcd.RestartAsync();
        await client.PutAsync("/w/c", "3", 0, default);

        Assert.Equal("/w/c=3", await pending);
    }

    private EtcdTxnRequest Guarded(EtcdCompare compare, string value) => new() { Compare = [compare], Success = [EtcdOp.Put(_key, value)] };

    private static async Task<string> NextAsync(IAsyncEnumerator<EtcdEvent> changes)
    {
        Assert.True(await changes.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        return $"{changes.Current.Kv.KeyText}={changes.Current.Kv.ValueText}";
    }
}
