using System.Diagnostics;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Hashes, sets, lists and sorted sets on the disk engine, beyond the shared command suites: crash and restart,
/// O(1) delete of a huge hash, transactions that read their own writes, HSCAN/SSCAN guarantees
/// while the collection changes, and active expiry. Each test runs its own node.
/// </summary>
public class DiskCollectionTests(ITestOutputHelper output)
{
    private static readonly string[] Disk = ["--engine", "disk", "--appendfsync", "always"];

    private static readonly string[][] Workload =
    [
        ["HSET", "c:h", "a", "1", "b", "2", "c", "3"],
        ["HDEL", "c:h", "b"],
        ["HINCRBY", "c:h", "n", "7"],
        ["SADD", "c:s", "x", "y", "z"],
        ["SMOVE", "c:s", "c:t", "x"],
        ["SREM", "c:s", "y"],
        ["HSET", "c:renamed", "k", "v"],
        ["RENAME", "c:renamed", "c:moved"],
        ["COPY", "c:moved", "c:copy"],
        ["HSET", "c:copy", "extra", "1"],
        ["SADD", "c:ttl", "m"],
        ["EXPIRE", "c:ttl", "1000"],
        ["HSET", "c:overwritten", "f", "v"],
        ["SET", "c:overwritten", "plain"],
        ["SADD", "c:emptied", "only"],
        ["SPOP", "c:emptied"],
        ["SUNIONSTORE", "c:union", "c:s", "c:t"],
        ["RPUSH", "c:l", "b", "c", "e"],
        ["LPUSH", "c:l", "a"],
        ["LINSERT", "c:l", "BEFORE", "e", "d"],
        ["RPOP", "c:l"],
        ["LMOVE", "c:l", "c:l2", "LEFT", "RIGHT"],
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

    /// <summary>Every key with its type, TTL bucket and sorted content.</summary>
    internal static async Task<string> DumpAsync(RawConnection c)
    {
        var lines = new List<string> { (await c.CommandAsync("DBSIZE")).Trim() };
        foreach (var key in (await c.ReadValueAfterAsync("KEYS", "*")).AsStringArray().Order(StringComparer.Ordinal))
        {
            string type = (await c.ReadValueAfterAsync("TYPE", key!)).AsString()!;
            long ttl = (await c.ReadValueAfterAsync("TTL", key!)).AsInteger();
            var content = type switch
            {
                "hash" => (await c.ReadValueAfterAsync("HGETALL", key!)).AsStringArray().Chunk(2).Select(p => $"{p[0]}={p[1]}").Order(StringComparer.Ordinal),
                "set" => (await c.ReadValueAfterAsync("SMEMBERS", key!)).AsStringArray().Select(m => m!).Order(StringComparer.Ordinal),
                "list" => (await c.ReadValueAfterAsync("LRANGE", key!, "0", "-1")).AsStringArray().Select(m => m!),
                "zset" => (await c.ReadValueAfterAsync("ZRANGE", key!, "0", "-1", "WITHSCORES")).AsStringArray().Select(m => m!),
                _ => [(await c.ReadValueAfterAsync("GET", key!)).AsString()!],
            };
            lines.Add($"{key} {type} ttl:{(ttl < 0 ? ttl.ToString() : "set")} {string.Join(',', content)}");
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Hashes_sets_lists_and_sorted_sets_survive_kill_9_and_a_graceful_restart()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        string before;
        await using (var c = await node.ConnectAsync())
        {
            foreach (var command in Workload)
                Assert.DoesNotContain("ERR", await c.CommandAsync(command));
            before = await DumpAsync(c);
        }
        // z:union is built in a packed sorted set, whose -0 reads back as 0 as from redis-server's listpack.
        Assert.Equal("""
            :17
            c:copy hash ttl:-1 extra=1,k=v
            c:h hash ttl:-1 a=1,c=3,n=7
            c:l list ttl:-1 b,c,d
            c:l2 list ttl:-1 a
            c:moved hash ttl:-1 k=v
            c:overwritten string ttl:-1 plain
            c:s set ttl:-1 z
            c:t set ttl:-1 x
            c:ttl set ttl:set m
            c:union set ttl:-1 x,z
            z:a zset ttl:-1 z,-inf,neg,0,x,1,y,7,new,10000000000
            z:copy zset ttl:-1 r,5,extra,6
            z:lex zset ttl:-1 a,0,c,0,d,0
            z:moved zset ttl:-1 r,5
            z:pop zset ttl:-1 p1,1,p2,2
            z:ttl zset ttl:set t,1
            z:union zset ttl:-1 z,-inf,a,0,c,0,d,0,neg,0,x,2,y,14,new,20000000000
            """.ReplaceLineEndings("\n"), before);

        await node.AssertSurvivesKillAndRestartAsync(DumpAsync, before);
        await using var restarted = await node.ConnectAsync();
        Assert.Equal(":1\r\n", await restarted.CommandAsync("HSET", "c:h", "after", "restart"));
        Assert.Equal(":2\r\n", await restarted.CommandAsync("ZRANK", "z:a", "x"));
    }

    [Fact]
    public async Task Deleting_a_million_field_hash_writes_one_record_and_the_key_starts_empty_again()
    {
        const int Fields = 1_000_000, PerCommand = 1000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        for (int start = 0; start < Fields; start += PerCommand)
        {
            var args = new List<string>(2 + 2 * PerCommand) { "HSET", "big:h" };
            for (int i = start; i < start + PerCommand; i++)
            {
                args.Add($"field:{i:D7}");
                args.Add($"{i}");
            }
            Assert.Equal($":{PerCommand}\r\n", await c.CommandAsync([.. args]));
        }
        Assert.Equal($":{Fields}\r\n", await c.CommandAsync("HLEN", "big:h"));
        Assert.Equal(":3\r\n", await c.CommandAsync("HSET", "small:h", "a", "1", "b", "2", "c", "3"));

        var big = Stopwatch.StartNew();
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "big:h"));
        big.Stop();
        var small = Stopwatch.StartNew();
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "small:h"));
        small.Stop();
        output.WriteLine($"DEL of a {Fields}-field hash: {big.Elapsed.TotalMilliseconds:F2} ms; of a 3-field hash: {small.Elapsed.TotalMilliseconds:F2} ms");

        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("HGET", "big:h", "field:0000007"));
        // A new hash at the key gets a new version: none of the million old fields show through.
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "big:h", "fresh", "1"));
        Assert.Equal("*2\r\n$5\r\nfresh\r\n$1\r\n1\r\n", await c.CommandAsync("HGETALL", "big:h"));
    }

    [Fact]
    public async Task A_transaction_reads_its_own_collection_writes_and_applies_them_together()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        foreach (var command in new[]
                 {
                     new[] { "MULTI" }, ["HSET", "tx:h", "f", "1"], ["HSETNX", "tx:h", "f", "2"], ["HINCRBY", "tx:h", "f", "10"],
                     ["SADD", "tx:s", "a", "b"], ["SMOVE", "tx:s", "tx:t", "a"], ["SINTERSTORE", "tx:s", "tx:s", "tx:t"],
                     ["TYPE", "tx:h"], ["SET", "tx:h2", "x"], ["RENAME", "tx:h", "tx:h2"],
                 })
            Assert.StartsWith(command[0] == "MULTI" ? "+OK" : "+QUEUED", await c.CommandAsync(command));
        Assert.Equal("*9\r\n:1\r\n:0\r\n:11\r\n:2\r\n:1\r\n:0\r\n+hash\r\n+OK\r\n+OK\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("*2\r\n$1\r\nf\r\n$2\r\n11\r\n", await c.CommandAsync("HGETALL", "tx:h2"));
        Assert.Equal("*1\r\n$1\r\na\r\n", await c.CommandAsync("SMEMBERS", "tx:t"));
        Assert.Equal(":2\r\n", await c.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task Dbsize_info_keys_and_scan_in_a_transaction_see_the_keys_it_created_and_deleted()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "tx:gone", "x"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DBSIZE"));   // counts the SET, so INFO below is exact, not an estimate
        foreach (var command in new[]
                 {
                     new[] { "MULTI" }, ["SADD", "tx:s", "a"], ["RPUSH", "tx:t", "b"], ["EXPIRE", "tx:s", "100"], ["DEL", "tx:gone"],
                     ["DBSIZE"], ["INFO", "keyspace"], ["KEYS", "*"], ["SCAN", "0"],
                 })
            Assert.StartsWith(command[0] == "MULTI" ? "+OK" : "+QUEUED", await c.CommandAsync(command));
        string exec = await c.CommandAsync("EXEC");
        Assert.StartsWith("*8\r\n:1\r\n:1\r\n:1\r\n:1\r\n:2\r\n", exec);
        Assert.Contains("db0:keys=2,expires=1,avg_ttl=0", exec);
        Assert.EndsWith("*2\r\n$4\r\ntx:s\r\n$4\r\ntx:t\r\n*2\r\n$1\r\n0\r\n*2\r\n$4\r\ntx:s\r\n$4\r\ntx:t\r\n", exec);
    }

    [Fact]
    public async Task Hscan_and_sscan_return_every_element_present_for_the_whole_scan_while_others_come_and_go()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        var kept = Enumerable.Range(0, 400).Select(i => $"k{i:D3}").ToArray();
        Assert.Equal(":400\r\n", await c.CommandAsync(["SADD", "scan:s", .. kept]));
        Assert.Equal(":400\r\n", await c.CommandAsync(["HSET", "scan:h", .. kept.SelectMany(k => new[] { k, "v" })]));
        foreach (var (command, key, step) in new[] { ("SSCAN", "scan:s", 1), ("HSCAN", "scan:h", 2) })
        {
            var seen = new HashSet<string>();
            string cursor = "0";
            int call = 0;
            do
            {
                var reply = await c.ReadValueAfterAsync(command, key, cursor, "COUNT", "25");
                cursor = reply[0].AsString()!;
                var items = reply[1].AsStringArray();
                for (int i = 0; i < items.Length; i += step)
                    seen.Add(items[i]!);
                // Churn between calls: elements sorting before and after the cursor come and go.
                string churn = $"a{call++}", late = $"z{call}";
                await c.CommandAsync(command == "SSCAN" ? ["SADD", key, churn, late] : ["HSET", key, churn, "x", late, "y"]);
                await c.CommandAsync(command == "SSCAN" ? ["SREM", key, $"a{call - 2}"] : ["HDEL", key, $"a{call - 2}"]);
            }
            while (cursor != "0");
            Assert.Empty(kept.Except(seen));
        }
    }

    [Fact]
    public async Task Expired_collections_leave_by_active_expiry_and_the_counts_follow()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("HSET", "exp:h", "a", "1", "b", "2"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "exp:s", "a", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "exp:h", "100"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "exp:s", "100"));
        Assert.Contains("keys=2,expires=2", await c.CommandAsync("INFO", "keyspace"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await c.CommandAsync("DBSIZE") != ":0\r\n" && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.DoesNotContain("db0:", await c.CommandAsync("INFO", "keyspace"));
    }

    [Fact]
    public async Task Watch_sees_collection_writes_and_flushall_removes_every_element()
    {
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal(":1\r\n", await c.CommandAsync("HSET", "w:h", "f", "1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "w:s", "m"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("WATCH", "w:h"));
        Assert.Equal(":0\r\n", await other.CommandAsync("HSET", "w:h", "f", "2"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("HGET", "w:h", "f"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("EXEC"));

        Assert.Equal("+OK\r\n", await c.CommandAsync("FLUSHALL"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Equal("*0\r\n", await c.CommandAsync("HGETALL", "w:h"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "w:s", "new"));
        Assert.Equal("*1\r\n$3\r\nnew\r\n", await c.CommandAsync("SMEMBERS", "w:s"));
    }

    [Fact]
    public async Task Copy_and_rename_move_collections_larger_than_one_copy_chunk_whole()
    {
        const int Size = 3000;
        await using var node = await NodeProcess.StartAsync(Disk);
        await using var c = await node.ConnectAsync();
        var items = Enumerable.Range(0, Size).Select(i => $"e{i:D4}").ToArray();
        Assert.Equal($":{Size}\r\n", await c.CommandAsync(["HSET", "big:h", .. items.SelectMany(i => new[] { i, $"v{i}" })]));
        Assert.Equal($":{Size}\r\n", await c.CommandAsync(["SADD", "big:s", .. items]));
        Assert.Equal($":{Size}\r\n", await c.CommandAsync(["RPUSH", "big:l", .. items]));
        Assert.Equal($":{Size + 1}\r\n", await c.CommandAsync("LPUSH", "big:l", "first"));
        foreach (var (key, read) in new[] { ("big:h", new[] { "HGETALL" }), ("big:s", ["SMEMBERS"]), ("big:l", ["LRANGE"]) })
        {
            string[] Args(string k) => read[0] == "LRANGE" ? ["LRANGE", k, "0", "-1"] : [read[0], k];
            string original = await c.CommandAsync(Args(key));
            Assert.Equal(":1\r\n", await c.CommandAsync("COPY", key, key + ":copy"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", key, key + ":moved"));
            Assert.Equal(original, await c.CommandAsync(Args(key + ":copy")));
            Assert.Equal(original, await c.CommandAsync(Args(key + ":moved")));
            Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", key));
        }
        Assert.Equal("$5\r\nfirst\r\n", await c.CommandAsync("LPOP", "big:l:copy"));
        Assert.Equal(":6\r\n", await c.CommandAsync("DBSIZE"));
    }
}
