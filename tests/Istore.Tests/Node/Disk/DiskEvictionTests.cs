using Istore.Tests.Infrastructure;
using static Istore.Tests.Node.EvictionTests;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine's dataset measure, which maxmemory and the eviction policies go by there
/// (EvictionTestsOnDisk): nothing is measured until a limit may apply (used_memory is the managed
/// heap); the first CONFIG SET maxmemory or evicting policy walks the keys of a snapshot once, off
/// the loop and with writes going on, and from then on every write moves it by what it replaced:
/// per key its name, its record and 48 bytes, and 64 per collection element, as the memory engine
/// estimates.
/// </summary>
public sealed class DiskEvictionTests
{
    private const int Overhead = 48, StringHeader = 9, CollectionRecord = 25, ListRecord = 41, PerElement = 64;

    [Fact]
    public async Task The_dataset_is_measured_from_the_first_limit_on_and_follows_every_write()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk"]);
        await using var c = await node.ConnectAsync();
        await c.CommandAsync("SET", "m:a", "xyz");
        await c.CommandAsync("HSET", "m:h", "f1", "v", "f2", "v");
        Assert.Equal("0", (await InfoAsync(c))["used_memory_startup"]);   // not measured: the heap

        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        long a = 3 + StringHeader + 3 + Overhead, h = 3 + CollectionRecord + Overhead + 2 * PerElement;
        Assert.Equal(a + h, await DataAsync(c));   // the walk found both
        Assert.Equal((1 << 20) + a + h, await UsedAsync(c));

        await c.CommandAsync("SET", "m:a", "xyzw");   // an overwrite counts what it replaced
        Assert.Equal(a + 1 + h, await DataAsync(c));
        await c.CommandAsync("SET", "m:a", "xyz", "EX", "100");
        Assert.Equal(a + h, await DataAsync(c));
        await c.CommandAsync("HDEL", "m:h", "f1");
        Assert.Equal(a + h - PerElement, await DataAsync(c));
        await c.CommandAsync("RPUSH", "m:l", "a", "b", "c");
        long l = 3 + ListRecord + Overhead + 3 * PerElement;
        Assert.Equal(a + h - PerElement + l, await DataAsync(c));
        await c.CommandAsync("MULTI");
        await c.CommandAsync("DEL", "m:a");
        await c.CommandAsync("LPOP", "m:l");
        Assert.StartsWith("*2", await c.CommandAsync("EXEC"));
        Assert.Equal(h - PerElement + l - PerElement, await DataAsync(c));
        await c.CommandAsync("UNLINK", "m:h", "m:l");
        Assert.Equal(0, await DataAsync(c));
        await c.CommandAsync("SET", "m:b", "v");
        await c.CommandAsync("FLUSHALL");
        Assert.Equal(0, await DataAsync(c));
    }

    [Fact]
    public async Task Noeviction_refuses_writes_over_a_limit_by_the_measure_and_takes_them_again_after_a_delete()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk"]);
        await using var c = await node.ConnectAsync();
        await PipelineAsync(c, Enumerable.Range(0, 20).Select(i => new[] { "SET", $"o:{i}", Value }));
        long perKey = StringHeader + Value.Length + Overhead, data = 10 * (3 + perKey) + 10 * (4 + perKey);
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory", ((1 << 20) + data + 10).ToString()));
        Assert.Equal(data, await DataAsync(c));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "o:0", Value));
        // As Redis, the write that crosses the limit is taken (used memory is checked before it); the next is not.
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "o:new", Value));
        Assert.Equal(Oom, await c.CommandAsync("SET", "o:x", Value));
        Assert.Equal(Oom, await c.CommandAsync("HSET", "o:h", "f", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "o:new"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "o:x", Value));
        Assert.Equal(":21\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("0", (await InfoAsync(c))["evicted_keys"]);
    }

    /// <summary>
    /// Writes on another loop while the first measure walks 100,000 keys: the measure they leave is
    /// the one a node measuring the same final keys afterwards finds (the walk's snapshot plus
    /// every write since, none missed or counted twice).
    /// </summary>
    [Fact]
    public async Task Writes_during_the_first_measure_are_counted_once()
    {
        await using var busy = await NodeProcess.StartAsync(["--engine", "disk", "--threads", "2"]);
        await using var quiet = await NodeProcess.StartAsync(["--engine", "disk"]);
        foreach (var node in new[] { busy, quiet })
        {
            await using var c = await node.ConnectAsync();
            foreach (var chunk in Enumerable.Range(0, 100_000).Chunk(5_000))
                await PipelineAsync(c, chunk.Select(i => new[] { "SET", $"w:{i}", Value }));
        }
        await using (var admin = await busy.ConnectAsync())
        await using (var writer = await busy.ConnectAsync())
        {
            var writes = Task.Run(async () =>
            {
                foreach (var chunk in Changes().Chunk(500))
                    await PipelineAsync(writer, chunk);
            });
            Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
            await writes;
        }
        await using (var c = await quiet.ConnectAsync())
        {
            await PipelineAsync(c, Changes());
            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        }
        await using var b = await busy.ConnectAsync();
        await using var q = await quiet.ConnectAsync();
        Assert.Equal(await DataAsync(q), await DataAsync(b));
        Assert.Equal(await b.CommandAsync("DBSIZE"), await q.CommandAsync("DBSIZE"));
    }

    /// <summary>Overwrites (longer values), deletes, new keys and hash fields, spread over the keyspace.</summary>
    private static IEnumerable<string[]> Changes() => Enumerable.Range(0, 20_000).Select(i => (i % 4) switch
    {
        0 => new[] { "SET", $"w:{i * 5 % 100_000}", Value + Value },
        1 => ["DEL", $"w:{i * 7 % 100_000}"],
        2 => ["SET", $"w:new:{i}", Value],
        _ => ["HSET", $"w:h:{i % 100}", $"f{i}", Value],
    });
}
