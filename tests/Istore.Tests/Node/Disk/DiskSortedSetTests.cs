using System.Diagnostics;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Sorted sets on the disk engine, beyond the shared command suites (kill -9 and restart are in
/// DiskCollectionTests): COPY and RENAME of a set larger than one copy chunk (both column families
/// move), O(1) DEL of a big set, and a transaction reading its own sorted-set writes. Each test runs its own node.
/// </summary>
public class DiskSortedSetTests(ITestOutputHelper output)
{
    private static readonly string[] Disk = ["--engine", "disk", "--appendfsync", "always"];

    [Fact]
    public async Task Copy_and_rename_move_a_sorted_set_larger_than_one_copy_chunk_with_its_score_index()
    {
        const int Size = 3000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        Assert.Equal($":{Size}\r\n", await c.CommandAsync(["ZADD", "big:z", .. Enumerable.Range(0, Size).SelectMany(i => new[] { $"{i % 101}", $"e{i:D4}" })]));
        string all = await c.CommandAsync("ZRANGE", "big:z", "0", "-1", "WITHSCORES");
        var order = Enumerable.Range(0, Size).OrderBy(i => i % 101).ThenBy(i => i).Select(i => $"e{i:D4}").ToArray();
        string middle = await c.CommandAsync("ZRANGEBYSCORE", "big:z", "(50", "60", "LIMIT", "5", "20");
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "big:z", "big:z:copy"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "big:z", "big:z:moved"));
        foreach (var key in new[] { "big:z:copy", "big:z:moved" })
        {
            Assert.Equal(all, await c.CommandAsync("ZRANGE", key, "0", "-1", "WITHSCORES"));
            Assert.Equal(middle, await c.CommandAsync("ZRANGEBYSCORE", key, "(50", "60", "LIMIT", "5", "20"));
            foreach (int rank in new[] { 0, 1, 777, Size / 2, Size - 778, Size - 2, Size - 1 })
            {
                Assert.Equal($":{rank}\r\n", await c.CommandAsync("ZRANK", key, order[rank]));
                Assert.Equal($":{Size - 1 - rank}\r\n", await c.CommandAsync("ZREVRANK", key, order[rank]));
            }
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

    [Fact]
    public async Task Backward_walks_in_a_transaction_merge_its_writes_with_the_stored_entries()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        Assert.Equal(":5\r\n", await c.CommandAsync("ZADD", "tx:y", "1", "a1", "2", "a2", "3", "a3", "4", "a4", "5", "a5"));
        foreach (var command in new[]
                 {
                     new[] { "MULTI" }, ["ZADD", "tx:y", "10", "top", "2.5", "a4"], ["ZREVRANGE", "tx:y", "0", "2"], ["ZPOPMAX", "tx:y", "2"],
                     ["ZREVRANGEBYSCORE", "tx:y", "+inf", "-inf", "LIMIT", "0", "2"], ["ZREVRANK", "tx:y", "a1"],
                 })
            Assert.StartsWith(command[0] == "MULTI" ? "+OK" : "+QUEUED", await c.CommandAsync(command));
        Assert.Equal("*5\r\n:1\r\n*3\r\n$3\r\ntop\r\n$2\r\na5\r\n$2\r\na3\r\n*4\r\n$3\r\ntop\r\n$2\r\n10\r\n$2\r\na5\r\n$1\r\n5\r\n"
            + "*2\r\n$2\r\na3\r\n$2\r\na4\r\n:3\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("*4\r\n$2\r\na1\r\n$2\r\na2\r\n$2\r\na4\r\n$2\r\na3\r\n", await c.CommandAsync("ZRANGE", "tx:y", "0", "-1"));
    }
}
