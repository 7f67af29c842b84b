using System.Diagnostics;
using Istore.Ha.Config;
using Istore.Ha.Etcd;
using Istore.Net.Routes;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Ha;

/// <summary>
/// istore-ha's etcd store against a real etcd: seeding, one leader among several processes,
/// fenced commits, hand-over on a clean stop, on a leader cut off from etcd and across an etcd
/// restart, followers kept current, and refused bad input. Leases are etcd's minimum-ish 3 s.
/// </summary>
public sealed class EtcdHaStoreTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>, IAsyncLifetime
{
    private const int LeaseTtlSeconds = 3;

    private readonly string _prefix = $"/istore-tests/{Guid.NewGuid():N}/";
    private readonly List<EtcdHaStore> _stores = [];
    private readonly EtcdClient _raw = new([fixture.Etcd.Endpoint]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
            await store.DisposeAsync();
        _raw.Dispose();
    }

    [Fact]
    public async Task Seeds_the_topology_once_and_later_stores_load_it()
    {
        var first = await StartAsync("ha-a", Topology("first"));
        var second = await StartAsync("ha-b", Topology("second"));

        Assert.Equal(Json(Topology("first")), Json(first.Current));
        Assert.Equal(Json(Topology("first")), Json(second.Current));
        Assert.Equal(Json(Topology("first")), (await _raw.GetAsync(_prefix + "topology", default))!.ValueText);
    }

    [Fact]
    public async Task Exactly_one_of_three_leads_and_all_agree_on_it()
    {
        var stores = await StartManyAsync(3);

        var leader = await WaitForOneLeaderAsync(stores);
        for (int i = 0; i < 10; i++)
        {
            Assert.Single(stores, s => s.IsLeader);
            Assert.All(stores, s => Assert.Equal(leader.Id, s.Store.Leader));
            await Task.Delay(30);
        }
        Assert.Equal(leader.Id, (await _raw.GetAsync(_prefix + "leader", default))!.ValueText);
    }

    [Fact]
    public async Task A_follower_commit_returns_false_and_changes_nothing()
    {
        var stores = await StartManyAsync(2);
        var leader = await WaitForOneLeaderAsync(stores);
        var follower = stores.First(s => s != leader).Store;
        var before = await _raw.GetAsync(_prefix + "topology", default);

        Assert.False(await follower.TryCommitAsync(Next(follower.Current, "by-follower"), default));

        var after = await _raw.GetAsync(_prefix + "topology", default);
        Assert.Equal(before!.ModRevision, after!.ModRevision);
        Assert.Equal(1, follower.Current.Version);
        Assert.Equal(1, leader.Store.Current.Version);
    }

    [Fact]
    public async Task A_commit_from_a_stale_version_returns_false_and_the_store_catches_up()
    {
        var stores = await StartManyAsync(1);
        var leader = (await WaitForOneLeaderAsync(stores)).Store;
        var current = leader.Current;

        Assert.False(await leader.TryCommitAsync(Next(Next(current, "skips"), "a-version"), default));

        // Someone else wrote version 2 behind the leader's back; its own version 2 must not overwrite it,
        // whether or not its watch has delivered the write yet.
        string theirs = Json(Next(current, "theirs"));
        await _raw.PutAsync(_prefix + "topology", theirs, 0, default);
        Assert.False(await leader.TryCommitAsync(Next(current, "mine"), default));
        Assert.Equal(theirs, (await _raw.GetAsync(_prefix + "topology", default))!.ValueText);

        await WaitUntilAsync(() => leader.Current.Version == 2, TimeSpan.FromSeconds(2), "the watch delivers the other write");
        Assert.True(await leader.TryCommitAsync(Next(leader.Current, "after"), default));
        Assert.Equal(3, HaConfigLoader.Parse((await _raw.GetAsync(_prefix + "topology", default))!.ValueText).Version);
    }

    [Fact]
    public async Task Followers_see_Changed_with_the_committed_topology()
    {
        var stores = await StartManyAsync(3);
        var leader = await WaitForOneLeaderAsync(stores);
        var seen = stores.Where(s => s != leader).Select(s =>
        {
            var changed = new TaskCompletionSource<HaConfig>(TaskCreationOptions.RunContinuationsAsynchronously);
            s.Store.Changed += config => changed.TrySetResult(config);
            return (s.Store, changed);
        }).ToList();

        var next = Next(leader.Store.Current, "committed");
        Assert.True(await leader.Store.TryCommitAsync(next, default));

        foreach (var (follower, changed) in seen)
        {
            Assert.Equal(Json(next), Json(await changed.Task.WaitAsync(TimeSpan.FromSeconds(2))));
            Assert.Equal(Json(next), Json(follower.Current));
        }
        Assert.Equal(Json(next), Json(leader.Store.Current));
    }

    [Fact]
    public async Task A_disposed_leader_hands_over_within_a_second()
    {
        var stores = await StartManyAsync(2);
        var leader = await WaitForOneLeaderAsync(stores);
        var other = stores.First(s => s != leader);

        await leader.Store.DisposeAsync();
        var clock = Stopwatch.StartNew();

        await WaitUntilAsync(() => other.IsLeader, TimeSpan.FromSeconds(1), "the other store leads once the lease is revoked");
        Assert.Equal(other.Id, other.Store.Leader);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"handed over in {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_leader_cut_off_from_etcd_stops_leading_before_another_starts()
    {
        await using var relay = new TcpRelay(fixture.Etcd.ClientPort);
        var cutOff = new Member("ha-cut", await StartAsync("ha-cut", Topology("t"), relay.Endpoint));
        await WaitUntilAsync(() => cutOff.IsLeader, TimeSpan.FromSeconds(2), "the first store leads");
        var others = new[] { await StartMemberAsync("ha-b"), await StartMemberAsync("ha-c") };

        relay.Partition();
        var clock = Stopwatch.StartNew();
        TimeSpan? stoppedAt = null, replacedAt = null;
        while (replacedAt is null && clock.Elapsed < TimeSpan.FromSeconds(LeaseTtlSeconds + 2))
        {
            bool old = cutOff.IsLeader, successor = others.Any(s => s.IsLeader);
            Assert.False(old && successor, $"two leaders at {clock.ElapsedMilliseconds} ms");
            if (!old)
                stoppedAt ??= clock.Elapsed;
            if (successor)
                replacedAt = clock.Elapsed;
            await Task.Delay(10);
        }

        Assert.NotNull(replacedAt);
        Assert.True(replacedAt <= TimeSpan.FromSeconds(LeaseTtlSeconds + 1), $"another led after {replacedAt?.TotalMilliseconds} ms");
        Assert.True(stoppedAt < replacedAt, $"the cut-off leader stopped at {stoppedAt?.TotalMilliseconds} ms, another led at {replacedAt?.TotalMilliseconds} ms");
        Assert.False(cutOff.IsLeader);
        Assert.Single(others, s => s.IsLeader);
        Assert.False(await cutOff.Store.TryCommitAsync(Next(cutOff.Store.Current, "deposed"), default));
    }

    [Fact]
    public async Task A_store_carries_on_after_etcd_is_killed_and_restarted()
    {
        await using var etcd = await EtcdProcess.StartAsync();
        var stores = new List<Member>();
        for (int i = 0; i < 2; i++)
            stores.Add(new Member($"ha-{i}", await StartAsync($"ha-{i}", Topology("t"), etcd.Endpoint)));
        var leader = await WaitForOneLeaderAsync(stores);

        etcd.Kill();
        await WaitUntilAsync(() => !leader.IsLeader, TimeSpan.FromSeconds(2), "a leader that cannot renew its lease stops leading");
        await etcd.RestartAsync();

        var back = await WaitForOneLeaderAsync(stores);
        var next = Next(back.Store.Current, "after-restart");
        Assert.True(await back.Store.TryCommitAsync(next, default));
        await WaitUntilAsync(() => stores.All(s => Json(s.Store.Current) == Json(next)), TimeSpan.FromSeconds(3),
            "every store's watch reconnected and delivered the commit");
    }

    [Fact]
    public async Task An_unreachable_etcd_fails_StartAsync_with_every_endpoint_named()
    {
        Uri a = new($"http://127.0.0.1:{NodeProcess.FreePort()}"), b = new($"http://127.0.0.1:{NodeProcess.FreePort()}");
        await using var store = new EtcdHaStore(new EtcdClient([a, b]), "ha-a", prefix: _prefix);

        var error = await Assert.ThrowsAsync<EtcdUnavailableException>(() => store.StartAsync(Topology("t"), default));

        Assert.Contains("no endpoint answered", error.Message);
        Assert.Contains(a.ToString(), error.Message);
        Assert.Contains(b.ToString(), error.Message);
        Assert.False(store.IsLeader);
    }

    [Fact]
    public async Task A_dead_endpoint_is_skipped_for_a_live_one()
    {
        Uri dead = new($"http://127.0.0.1:{NodeProcess.FreePort()}");
        var store = await StartAsync("ha-a", Topology("t"), dead, fixture.Etcd.Endpoint);

        await WaitUntilAsync(() => store.IsLeader, TimeSpan.FromSeconds(2), "the store leads through the live endpoint");
        Assert.True(await store.TryCommitAsync(Next(store.Current, "via-live"), default));
    }

    [Fact]
    public async Task A_topology_key_that_is_not_a_valid_topology_is_refused()
    {
        await _raw.PutAsync(_prefix + "topology", "{ not json", 0, default);
        await using (var store = new EtcdHaStore(new EtcdClient([fixture.Etcd.Endpoint]), "ha-a", prefix: _prefix))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.StartAsync(Topology("t"), default));
            Assert.Contains(_prefix + "topology", error.Message);
            Assert.Contains("invalid JSON", error.Message);
        }
        Assert.Null(await _raw.GetAsync(_prefix + "leader", default));   // refused before campaigning

        await _raw.PutAsync(_prefix + "topology", Json(Topology("t")).Replace("\"downAfterMs\": 1000", "\"downAfterMs\": 1"), 0, default);
        await using (var store = new EtcdHaStore(new EtcdClient([fixture.Etcd.Endpoint]), "ha-a", prefix: _prefix))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.StartAsync(Topology("t"), default));
            Assert.Contains("downAfterMs 1 is outside", error.Message);
        }
    }

    [Fact]
    public async Task A_running_store_keeps_its_topology_when_garbage_is_written_and_its_next_commit_replaces_it()
    {
        var leader = await StartAsync("ha-a", Topology("t"));
        await WaitUntilAsync(() => leader.IsLeader, TimeSpan.FromSeconds(2), "the store leads");
        int changes = 0;
        leader.Changed += _ => Interlocked.Increment(ref changes);

        await _raw.PutAsync(_prefix + "topology", "garbage", 0, default);
        var next = Next(leader.Current, "repaired");
        var clock = Stopwatch.StartNew();
        while (!await leader.TryCommitAsync(next, default))   // true once the watch has seen the garbage's revision
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "the leader's commit did not replace the garbage");
            await Task.Delay(10);
        }

        Assert.Equal(Json(next), (await _raw.GetAsync(_prefix + "topology", default))!.ValueText);
        Assert.Equal(1, changes);   // the commit, not the garbage
    }

    private sealed record Member(string Id, EtcdHaStore Store)
    {
        public bool IsLeader => Store.IsLeader;
    }

    private async Task<EtcdHaStore> StartAsync(string id, HaConfig initial, params Uri[] endpoints)
    {
        var store = new EtcdHaStore(new EtcdClient(endpoints.Length > 0 ? endpoints : [fixture.Etcd.Endpoint]), id,
            prefix: _prefix, leaseTtlSeconds: LeaseTtlSeconds);
        _stores.Add(store);
        await store.StartAsync(initial, default);
        return store;
    }

    private async Task<Member> StartMemberAsync(string id) => new(id, await StartAsync(id, Topology("t")));

    private async Task<List<Member>> StartManyAsync(int count)
    {
        var members = new List<Member>();
        for (int i = 0; i < count; i++)
            members.Add(await StartMemberAsync($"127.0.0.1:{7100 + i}"));
        return members;
    }

    private static async Task<Member> WaitForOneLeaderAsync(IReadOnlyList<Member> members)
    {
        await WaitUntilAsync(() => members.Count(m => m.IsLeader) == 1 && members.All(m => m.Store.Leader is not null),
            TimeSpan.FromSeconds(LeaseTtlSeconds + 2), "one store leads");
        return members.Single(m => m.IsLeader);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                Assert.Fail($"timed out after {timeout.TotalMilliseconds} ms waiting until {what}");
            await Task.Delay(10);
        }
    }

    private static HaConfig Topology(string tenant) => new()
    {
        Tenants = [new TenantConfig { Name = tenant, Password = tenant + "-secret", Shards = [new ShardConfig { Master = "127.0.0.1:7001" }] }],
    };

    /// <summary>The next version with one more shard, named so tests can tell commits apart.</summary>
    private static HaConfig Next(HaConfig current, string tenant)
    {
        var next = HaConfigLoader.Parse(HaConfigLoader.Serialize(current));
        next.Version++;
        next.Tenants.Add(new TenantConfig { Name = tenant, Password = tenant + "-secret", Shards = [new ShardConfig { Master = $"127.0.0.1:{8000 + next.Version}" }] });
        return next;
    }

    private static string Json(HaConfig config) => HaConfigLoader.Serialize(config);
}
