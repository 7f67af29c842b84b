using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

public sealed class SharedCollectionReadTestsOnMemory() : SharedCollectionReadTests("memory");
public sealed class SharedCollectionReadTestsOnDisk() : SharedCollectionReadTests("disk");

/// <summary>
/// Collection reads (HGETALL, ZRANGE, LRANGE, SUNION …) run beside each other on every event loop,
/// shut out only while a write runs: readers on both loops never see a write to a collection (or a
/// transaction over two) half applied, and a read that finds a key expired still deletes it exactly once.
/// </summary>
public abstract class SharedCollectionReadTests(string engine)
{
    private const int Writes = 1_000;   // the readers' SDIFF and XREVRANGE grow with it: 2,000 took minutes on a busy machine

    [Fact]
    public async Task Readers_on_both_loops_never_see_a_collection_write_half_applied()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--threads", "2"]);
        await using var writer = await node.ConnectAsync();
        Assert.Equal(":2\r\n", await writer.CommandAsync("HSET", "sr:h", "a", "0", "b", "0"));
        await ConcurrentReaders.RunAsync(node, 4, CheckAsync, async () =>
        {
            for (int i = 1; i <= Writes; i++)
            {
                string n = i.ToString();
                Assert.Equal(":0\r\n", await writer.CommandAsync("HSET", "sr:h", "a", n, "b", n));
                // One ZADD and one RPUSH change several elements at once; DEL then makes them new again.
                Assert.Equal(":3\r\n", await writer.CommandAsync("ZADD", "sr:z", n, "x", n, "y", n, "z"));
                Assert.Equal(":3\r\n", await writer.CommandAsync("RPUSH", "sr:l", n, n, n));
                Assert.Equal(":2\r\n", await writer.CommandAsync("DEL", "sr:z", "sr:l"));
                // Two sets and two sorted sets changed together, two stream entries added together:
                // a read of both keys (or of the stream) never finds them apart.
                string[][] transaction =
                [
                    ["MULTI"], ["SADD", "sr:s1", n], ["SADD", "sr:s2", n], ["ZADD", "sr:z1", n, n], ["ZADD", "sr:z2", n, n],
                    ["XADD", "sr:x", "*", "f", n], ["XADD", "sr:x", "*", "f", n], ["EXEC"],
                ];
                await writer.SendAsync(string.Concat(transaction.Select(command => RespEncoding.CommandText(System.Text.Encoding.ASCII, command))));
                foreach (var _ in transaction)
                    await writer.ReadFrameAsync();
            }
        });
    }

    private static async Task CheckAsync(RawConnection c)
    {
        var fields = (await c.ReadValueAfterAsync("HMGET", "sr:h", "a", "b")).AsStringArray();
        Assert.True(fields[0] == fields[1], $"HMGET saw an HSET half applied: {fields[0]} / {fields[1]}");
        var zset = (await c.ReadValueAfterAsync("ZRANGE", "sr:z", "0", "-1", "WITHSCORES")).AsStringArray();
        Assert.True(zset.Length is 0 or 6, "ZRANGE saw a ZADD or DEL half applied: " + string.Join(' ', zset));
        Assert.True(zset.Length == 0 || (zset[1] == zset[3] && zset[3] == zset[5]), "ZRANGE saw mixed scores: " + string.Join(' ', zset));
        var list = (await c.ReadValueAfterAsync("LRANGE", "sr:l", "0", "-1")).AsStringArray();
        Assert.True(list.Length is 0 or 3 && list.Distinct().Count() <= 1, "LRANGE saw an RPUSH or DEL half applied: " + string.Join(' ', list));
        string length = await c.CommandAsync("ZCARD", "sr:z");
        Assert.True(length is ":0\r\n" or ":3\r\n", "ZCARD saw a ZADD half applied: " + length);
        Assert.Equal("*0\r\n", await c.CommandAsync("SDIFF", "sr:s1", "sr:s2"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SDIFF", "sr:s2", "sr:s1"));
        Assert.Equal("*0\r\n", await c.CommandAsync("ZDIFF", "2", "sr:z1", "sr:z2"));
        Assert.Equal("*0\r\n", await c.CommandAsync("ZDIFF", "2", "sr:z2", "sr:z1"));
        string streamLength = await c.CommandAsync("XLEN", "sr:x");
        Assert.True(long.Parse(streamLength.AsSpan(1).TrimEnd()) % 2 == 0, "XLEN saw one XADD of a transaction's two: " + streamLength);
        var last = await c.ReadValueAfterAsync("XREVRANGE", "sr:x", "+", "-", "COUNT", "2");
        Assert.True(last.Count is 0 or 2, "XREVRANGE saw one entry of a transaction's two");
        if (last.Count == 2)
            Assert.Equal(last[0][1][1].AsString(), last[1][1][1].AsString());
    }

    [Fact]
    public async Task Reads_on_both_loops_of_an_expired_collection_delete_it_once()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--threads", "2"]);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "notify-keyspace-events", "Ex"));
        await using var subscriber = await node.ConnectAsync();
        await subscriber.SendCommandAsync("SUBSCRIBE", "__keyevent@0__:expired");
        await subscriber.ReadFrameAsync();
        var readers = new List<RawConnection>();
        for (int i = 0; i < 6; i++)
            readers.Add(await node.ConnectAsync());
        try
        {
            for (int round = 0; round < 5; round++)
            {
                string key = $"sr:gone:{round}";
                Assert.Equal(":2\r\n", await admin.CommandAsync("HSET", key, "f", "v", "g", "w"));
                Assert.Equal(":1\r\n", await admin.CommandAsync("PEXPIRE", key, "30"));
                await Task.Delay(80);
                long expiredBefore = ExpiredKeys(await admin.CommandAsync("INFO", "stats"));
                var replies = await Task.WhenAll(readers.Select((r, i) => i % 2 == 0 ? r.CommandAsync("HGET", key, "f") : r.CommandAsync("HLEN", key)));
                Assert.All(replies, reply => Assert.True(reply is "$-1\r\n" or ":0\r\n", "a read of an expired hash answered " + reply));
                Assert.Equal(expiredBefore + 1, ExpiredKeys(await admin.CommandAsync("INFO", "stats")));
                Assert.Equal(":0\r\n", await admin.CommandAsync("EXISTS", key));
                var message = (await subscriber.ReadValueAsync(TimeSpan.FromSeconds(10))).AsStringArray();
                Assert.Equal(key, message[2]);
            }
            Assert.Equal(":0\r\n", await admin.CommandAsync("DBSIZE"));

            // A read of several keys: the expired one reads as gone and goes once the read ends.
            Assert.Equal(":1\r\n", await admin.CommandAsync("SADD", "sr:live", "a"));
            Assert.Equal(":1\r\n", await admin.CommandAsync("SADD", "sr:dying", "b"));
            Assert.Equal(":1\r\n", await admin.CommandAsync("PEXPIRE", "sr:dying", "30"));
            await Task.Delay(80);
            long before = ExpiredKeys(await admin.CommandAsync("INFO", "stats"));
            Assert.Equal(new string?[] { "a" }, (await readers[0].ReadValueAfterAsync("SUNION", "sr:live", "sr:dying")).AsStringArray());
            Assert.Equal(before + 1, ExpiredKeys(await admin.CommandAsync("INFO", "stats")));
            Assert.Equal(":1\r\n", await admin.CommandAsync("DBSIZE"));
            Assert.Equal("sr:dying", (await subscriber.ReadValueAsync(TimeSpan.FromSeconds(10))).AsStringArray()[2]);
        }
        finally
        {
            foreach (var reader in readers)
                await reader.DisposeAsync();
        }
    }

    private static long ExpiredKeys(string info) => long.Parse(InfoText.Fields(info)["expired_keys"]);
}
