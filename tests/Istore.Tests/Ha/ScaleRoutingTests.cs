using Istore.Net.Client;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Proxy;

namespace Istore.Tests.Ha;

/// <summary>
/// How the proxy routes while a scale step is frozen mid-way (HA's pass at 1 key/s stops after its
/// first page, so most moving keys are still on their old shard): a key still there is served
/// there and not moved by the command; a new key is created on its new shard only; a command
/// whose keys are split between the two is moved first, never answered from half the data.
/// Checked on the nodes themselves.
/// </summary>
public sealed class ScaleRoutingTests
{
    private const int Keys = 20_000;   // ~10,000 a shard: the pass's first page (2,500) leaves shard 0 unfinished

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task Mid_step_the_old_shard_serves_the_keys_it_holds_and_new_keys_are_created_on_the_new_shard_only(string engine)
    {
        await using var slow = await SlowScaleCluster.StartAsync(engine, keysPerSec: 1);
        await using var c = await slow.Live.Connect();
        for (int i = 0; i < Keys; i++)
            Assert.Equal("OK", (await c.ExecuteAsync("SET", $"r:{i}", $"v{i}")).AsString());
        string tag = Enumerable.Range(0, 10_000).Select(i => $"{{t{i}}}").First(t => ExpectedRoute.Shard(t, 2) == 1 && ExpectedRoute.Shard(t, 3) == 2);
        Assert.Equal("OK", (await c.ExecuteAsync("SET", tag + ":a", "old")).AsString());
        await slow.ScaleOutUntilMidPassAsync(moved: 1);
        // Shard 1's pass starts after shard 0's, which waits for ~hours at 1 key/s: its moving keys are all still on it.
        var (old, next) = (slow.Nodes[1], slow.Nodes[2]);
        var moving = Enumerable.Range(0, Keys).Select(i => $"r:{i}").Where(k => ExpectedRoute.Shard(k, 2) == 1 && ExpectedRoute.Shard(k, 3) == 2).ToList();
        Assert.True(moving.Count > 500, $"{moving.Count} moving keys");
        await using var onOld = await RespClient.ConnectAsync("127.0.0.1", old.Port);
        await using var onNext = await RespClient.ConnectAsync("127.0.0.1", next.Port);

        foreach (var key in moving.Take(50))
        {
            Assert.Equal("v" + key[2..], (await c.ExecuteAsync("GET", key)).AsString());
            Assert.Equal(1, (await onOld.ExecuteAsync("EXISTS", key)).AsInteger());   // served there, not moved by the read
            Assert.Equal(0, (await onNext.ExecuteAsync("EXISTS", key)).AsInteger());
        }
        string written = moving[50];
        Assert.Equal(written.Length + 1, (await c.ExecuteAsync("APPEND", written, "+w")).AsInteger());   // "r:N" → "vN+w"
        Assert.Equal($"v{written[2..]}+w", (await onOld.ExecuteAsync("GET", written)).AsString());
        Assert.Equal(0, (await onNext.ExecuteAsync("EXISTS", written)).AsInteger());
        Assert.Equal($"v{written[2..]}+w", (await c.ExecuteAsync("EVAL", "return redis.call('GET', KEYS[1])", "1", written)).AsString());
        Assert.Equal(0, (await onNext.ExecuteAsync("EXISTS", written)).AsInteger());

        // New keys: created on the new shard; the old one answers -ASK for them (it does not hold them).
        var created = Enumerable.Range(0, 10_000).Select(i => $"new:{i}").Where(k => ExpectedRoute.Shard(k, 2) == 1 && ExpectedRoute.Shard(k, 3) == 2).Take(20).ToList();
        foreach (var key in created)
        {
            Assert.Equal("OK", (await c.ExecuteAsync("SET", key, "n")).AsString());
            Assert.Equal("n", (await onNext.ExecuteAsync("GET", key)).AsString());
            Assert.StartsWith("ASK shard 2 of 3", (await onOld.ExecuteAsync("GET", key)).AsString());
            Assert.Equal("n", (await c.ExecuteAsync("GET", key)).AsString());
        }

        // Split under one hash tag: {t}:a still on the old shard, {t}:b absent. MSETNX must see a.
        Assert.Equal(0, (await c.ExecuteAsync("MSETNX", tag + ":a", "x", tag + ":b", "y")).AsInteger());
        Assert.Equal("old", (await c.ExecuteAsync("GET", tag + ":a")).AsString());
        Assert.True((await c.ExecuteAsync("GET", tag + ":b")).IsNull);
        Assert.Equal("old", (await onNext.ExecuteAsync("GET", tag + ":a")).AsString());   // moved first
        Assert.Equal(0, (await onNext.ExecuteAsync("EXISTS", tag + ":b")).AsInteger());
    }
}
