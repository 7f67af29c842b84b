using System.Diagnostics;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Sorted sets on the disk engine, beyond the shared command suites: kill -9 and restart, COPY and
/// RENAME of a set larger than one copy chunk (both column families move), O(1) DEL of a big set,
/// and a transaction reading its own sorted-set writes. Each test runs its own node.
/// </summary>
public class DiskSortedSetTests(ITestOutputHelper output)
{
    private static readonly string[] Disk = ["--engine", "disk", "--appendfsync", "always"];

    private static readonly string[][] Workload =
    [
        ["ZADD", "z:a", "1", "x", "2.5", "y", "-inf", "z", "3", "w", "-0", "neg"],
        ["ZADD", "z:a", "GT", "CH", "0", "x", "7", "y"],
        ["ZINCRBY", "z:a", "1e10", "new"],
        ["ZREM", "z:a", "w"],
        ["ZADD", "z:lex", "0", "a", "0", "b", "0", "c", "0", "d"],
        ["ZREMRANGEBYLEX", "z:lex", "(a", "[b"],
        ["ZADD", "z:pop", "1", "p1", "2", "p2", "3", "p3"],
        ["ZPOPMAX", "z:pop"],
        ["ZUNIONSTORE", "z:union", "2", "z:a", "z:lex", "WEIGHTS", "2", "1"],
        ["ZADD", "z:ttl", "1", "t"],
        ["EXPIRE", "z:ttl", "1000"],
        ["ZADD", "z:renamed", "5", "r"],
        ["RENAME", "z:renamed", "z:moved"],
        ["COPY", "z:moved", "z:copy"],
        ["ZADD", "z:copy", "6", "extra"],
    ];

    /// <summary>Every key with its TTL bucket and its entries by rank with scores (checked against a full score range).</summary>
    private static async Task<string> DumpAsync(RawConnection c)
    {
        var lines = new List<string> { (await c.CommandAsync("DBSIZE")).Trim() };
        foreach (var key in (await c.ReadValueAfterAsync("KEYS", "*")).AsStringArray().Order(StringComparer.Ordinal))
        {
            long ttl = (await c.ReadValueAfterAsync("TTL", key!)).AsInteger();
            var entries = (await c.ReadValueAfterAsync("ZRANGE", key!, "0", "-1", "WITHSCORES")).AsStringArray();
            var byScore = (await c.ReadValueAfterAsync("ZRANGEBYSCORE", key!, "-inf", "+inf")).AsStringArray();
            Assert.Equal(entries.Where((_, i) => i % 2 == 0), byScore);
            lines.Add($"{key} ttl:{(ttl < 0 ? ttl.ToString() : "set")} {string.Join(',', entries)}");
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Sorted_sets_survive_kill_9_and_a_graceful_restart()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        string before;
        await using (var c = await node.ConnectAsync())
        {
            foreach (var command in Workload)
                Assert.DoesNotContain("ERR", await c.CommandAsync(command));
            before = await DumpAsync(c);
        }
        Assert.Equal("""
            :7
            z:a ttl:-1 z,-inf,neg,-0,x,1,y,7,new,10000000000
            z:copy ttl:-1 r,5,extra,6
            z:lex ttl:-1 a,0,c,0,d,0
            z:moved ttl:-1 r,5
            z:pop ttl:-1 p1,1,p2,2
            z:ttl ttl:set t,1
            z:union ttl:-1 z,-inf,a,0,c,0,d,0,neg,-0,x,2,y,14,new,20000000000
            """.ReplaceLineEndings("\n"), before);

        node.Kill();
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
            Assert.Equal(before, await DumpAsync(c));
        Assert.Equal(0, await node.TerminateAsync());
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(before, await DumpAsync(c));
            Assert.Equal(":2\r\n", await c.CommandAsync("ZRANK", "z:a", "x"));
            Assert.Equal(":1\r\n", await c.CommandAsync("ZADD", "z:a", "0.5", "after"));
        }
    }

    [Fact]
    public async Task Copy_and_rename_move_a_sorted_set_larger_than_one_copy_chunk_with_its_score_index()
    {
        const int Size = 3000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        Assert.Equal($":{Size}\r\n", await c.CommandAsync(["ZADD", "big:z", .. Enumerable.Range(0, Size).SelectMany(i => new[] { $"{i % 101}", $"e{i:D4}" })]));
        string all = await c.CommandAsync("ZRANGE", "big:z", "0", "-1", "WITHSCORES");
        string middle = await c.CommandAsync("ZRANGEBYSCORE", "big:z", "(50", "60", "LIMIT", "5", "20");
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "big:z", "big:z:copy"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "big:z", "big:z:moved"));
        foreach (var key in new[] { "big:z:copy", "big:z:moved" })
        {
            Assert.Equal(all, await c.CommandAsync("ZRANGE", key, "0", "-1", "WITHSCORES"));
            Assert.Equal(middle, await c.CommandAsync("ZRANGEBYSCORE", key, "(50", "60", "LIMIT", "5", "20"));
            Assert.Equal($":{Size - 1}\r\n", await c.CommandAsync("ZRANK", key, "e2928"));   // score 100 (2928 = 28 × 101 + 100), the highest member
        }
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "big:z"));
        Assert.Equal(":2\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Deleting_a_big_sorted_set_writes_one_record_and_the_key_starts_empty_again()
    {
        const int Members = 200_000, PerCommand = 1000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        for (int start = 0; start < Members; start += PerCommand)
            Assert.Equal($":{PerCommand}\r\n", await c.CommandAsync(["ZADD", "big:z",
                .. Enumerable.Range(start, PerCommand).SelectMany(i => new[] { $"{i}", $"member:{i:D7}" })]));
        Assert.Equal($":{Members}\r\n", await c.CommandAsync("ZCARD", "big:z"));
        Assert.Equal("*1\r\n$14\r\nmember:0199999\r\n", await c.CommandAsync("ZRANGE", "big:z", "-1", "-1"));

        var big = Stopwatch.StartNew();
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "big:z"));
        big.Stop();
        output.WriteLine($"DEL of a {Members}-member sorted set: {big.Elapsed.TotalMilliseconds:F2} ms");

        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal(":1\r\n", await c.CommandAsync("ZADD", "big:z", "7", "fresh"));
        Assert.Equal("*2\r\n$5\r\nfresh\r\n$1\r\n7\r\n", await c.CommandAsync("ZRANGEBYSCORE", "big:z", "-inf", "+inf", "WITHSCORES"));
        Assert.Equal(":1\r\n", await c.CommandAsync("ZCOUNT", "big:z", "-inf", "+inf"));
    }

    [Fact]
    public async Task A_transaction_reads_its_own_sorted_set_writes()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        foreach (var command in new[]
                 {
                     new[] { "MULTI" }, ["ZADD", "tx:z", "1", "a", "2", "b", "3", "c"], ["ZADD", "tx:z", "5", "a"],
                     ["ZRANGE", "tx:z", "0", "-1"], ["ZRANK", "tx:z", "a"], ["ZPOPMIN", "tx:z"], ["ZCOUNT", "tx:z", "3", "+inf"],
                 })
            Assert.StartsWith(command[0] == "MULTI" ? "+OK" : "+QUEUED", await c.CommandAsync(command));
        Assert.Equal("*6\r\n:3\r\n:0\r\n*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n:2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n:2\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n5\r\n", await c.CommandAsync("ZRANGE", "tx:z", "0", "-1", "WITHSCORES"));
    }
}
