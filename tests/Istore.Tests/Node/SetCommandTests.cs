using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// The set family against a real node: SADD SREM SISMEMBER SMISMEMBER SMEMBERS SCARD SMOVE SPOP
/// SRANDMEMBER SSCAN, reply shapes in RESP2 and RESP3 (a set for SMEMBERS and SPOP with a count,
/// an array for SRANDMEMBER), Redis 7's errors, and emptied sets losing their key, on either
/// engine. Each test uses its own key prefix.
/// </summary>
public abstract class SetCommandTests(NodeFixture fixture)
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    internal static string[] Sorted(RespValue array) => array.AsStringArray().Select(s => s!).Order(StringComparer.Ordinal).ToArray();

    private async Task<RawConnection> ConnectResp3Async()
    {
        var c = await fixture.ConnectAsync();
        Assert.StartsWith("%7\r\n", await c.CommandAsync("HELLO", "3"));
        return c;
    }

    [Fact]
    public async Task Sadd_counts_new_members_and_srem_counts_removed_ones()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await c.CommandAsync("SADD", "sadd:s", "a", "b", "c", "a"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "sadd:s", "a", "d"));
        Assert.Equal(":4\r\n", await c.CommandAsync("SCARD", "sadd:s"));
        Assert.Equal("+set\r\n", await c.CommandAsync("TYPE", "sadd:s"));
        // A small set is packed in memory, as Redis 7.2 packs it (SmallCollectionEncodingTests), and named as 7.0 names it.
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "sadd:s"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SREM", "sadd:s", "a", "b", "b", "zz"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SREM", "sadd:s", "zz"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SREM", "sadd:missing", "a"));
        Assert.Equal(["c", "d"], Sorted(await c.ReadValueAfterAsync("SMEMBERS", "sadd:s")));
        Assert.Equal(":0\r\n", await c.CommandAsync("SCARD", "sadd:missing"));
    }

    /// <summary>A many-member SADD of a packed set builds one array; one that would pass the packed limits adds member by member.</summary>
    [Fact]
    public async Task A_many_member_sadd_past_the_packed_limit_keeps_every_member_and_redis_encoding()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":127\r\n", await c.CommandAsync(["SADD", "sadd:batch", .. Enumerable.Range(1, 127).Select(i => i.ToString())]));
        Assert.Equal(":0\r\n", await c.CommandAsync("SADD", "sadd:batch", "5", "1", "5"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "sadd:batch", "127", "128", "129"));
        Assert.Equal(":129\r\n", await c.CommandAsync("SCARD", "sadd:batch"));
        Assert.Equal("$6\r\nintset\r\n", await c.CommandAsync("OBJECT", "ENCODING", "sadd:batch"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "sadd:batch", "x", "129"));
        Assert.Equal("$9\r\nhashtable\r\n", await c.CommandAsync("OBJECT", "ENCODING", "sadd:batch"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SISMEMBER", "sadd:batch", "128"));
        Assert.Equal(":130\r\n", await c.CommandAsync("SCARD", "sadd:batch"));
    }

    [Fact]
    public async Task Removing_the_last_member_deletes_the_key()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "empty:s", "a", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "empty:s", "100"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SREM", "empty:s", "a", "b"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "empty:s"));
        // A new set at the key does not inherit the old TTL.
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "empty:s", "x"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "empty:s"));

        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "empty:pop", "only"));
        Assert.Equal("$4\r\nonly\r\n", await c.CommandAsync("SPOP", "empty:pop"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "empty:pop"));

        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "empty:move", "m"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SMOVE", "empty:move", "empty:moved", "m"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "empty:move"));
        Assert.Equal("*1\r\n$1\r\nm\r\n", await c.CommandAsync("SMEMBERS", "empty:moved"));
    }

    [Fact]
    public async Task Membership_replies_in_resp2_and_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "member:s", "a", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SISMEMBER", "member:s", "a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SISMEMBER", "member:s", "z"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SISMEMBER", "member:missing", "a"));
        Assert.Equal("*3\r\n:1\r\n:0\r\n:1\r\n", await c.CommandAsync("SMISMEMBER", "member:s", "a", "z", "b"));
        Assert.Equal("*2\r\n:0\r\n:0\r\n", await c.CommandAsync("SMISMEMBER", "member:missing", "a", "b"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SMEMBERS", "member:missing"));

        await using var c3 = await ConnectResp3Async();
        Assert.Equal("*3\r\n:1\r\n:0\r\n:1\r\n", await c3.CommandAsync("SMISMEMBER", "member:s", "a", "z", "b"));
        Assert.Equal("~0\r\n", await c3.CommandAsync("SMEMBERS", "member:missing"));
        var members = await c3.ReadValueAfterAsync("SMEMBERS", "member:s");
        Assert.Equal(RespType.Set, members.Type);
        Assert.Equal(["a", "b"], Sorted(members));
    }

    [Fact]
    public async Task Every_set_command_refuses_a_string_key()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "wrong:str", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "wrong:set", "a"));
        string[][] commands =
        [
            ["SADD", "wrong:str", "a"], ["SREM", "wrong:str", "a"], ["SISMEMBER", "wrong:str", "a"],
            ["SMISMEMBER", "wrong:str", "a"], ["SMEMBERS", "wrong:str"], ["SCARD", "wrong:str"],
            ["SPOP", "wrong:str"], ["SPOP", "wrong:str", "0"], ["SRANDMEMBER", "wrong:str"], ["SRANDMEMBER", "wrong:str", "2"],
            ["SMOVE", "wrong:str", "wrong:set", "a"], ["SMOVE", "wrong:set", "wrong:str", "a"],
            ["SMOVE", "wrong:set", "wrong:str", "absent"], ["SSCAN", "wrong:str", "0"],
        ];
        foreach (var command in commands)
            Assert.True(WrongType == await c.CommandAsync(command), string.Join(' ', command));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "wrong:str"));
        Assert.Equal("*1\r\n$1\r\na\r\n", await c.CommandAsync("SMEMBERS", "wrong:set"));
        // A missing source answers 0 before the destination's type is looked at, as in Redis.
        Assert.Equal(":0\r\n", await c.CommandAsync("SMOVE", "wrong:missing", "wrong:str", "a"));
    }

    [Fact]
    public async Task Smove_moves_once_and_within_one_set_changes_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "smove:a", "x", "y"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "smove:b", "x"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SMOVE", "smove:a", "smove:b", "x"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SMOVE", "smove:a", "smove:b", "x"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SCARD", "smove:b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SMOVE", "smove:a", "smove:a", "y"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SMOVE", "smove:a", "smove:a", "absent"));
        Assert.Equal("*1\r\n$1\r\ny\r\n", await c.CommandAsync("SMEMBERS", "smove:a"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SMOVE", "smove:a", "smove:new", "y"));
        Assert.Equal("+set\r\n", await c.CommandAsync("TYPE", "smove:new"));
    }

    [Fact]
    public async Task Spop_with_a_count_replies_a_set_and_removes_what_it_returns()
    {
        await using var c = await fixture.ConnectAsync();
        var all = Enumerable.Range(0, 20).Select(i => $"m{i}").ToArray();
        Assert.Equal(":20\r\n", await c.CommandAsync(["SADD", "spop:s", .. all]));
        var popped = Sorted(await c.ReadValueAfterAsync("SPOP", "spop:s", "5"));
        Assert.Equal(5, popped.Distinct().Count());
        Assert.Subset(all.ToHashSet(), popped.ToHashSet());
        var left = Sorted(await c.ReadValueAfterAsync("SMEMBERS", "spop:s"));
        Assert.Equal(all.Order(StringComparer.Ordinal), popped.Concat(left).Order(StringComparer.Ordinal));

        var one = (await c.ReadValueAfterAsync("SPOP", "spop:s")).AsString();
        Assert.Contains(one, left);
        Assert.Equal(":14\r\n", await c.CommandAsync("SCARD", "spop:s"));
        // A count beyond the size takes everything and deletes the key.
        Assert.Equal(14, (await c.ReadValueAfterAsync("SPOP", "spop:s", "100")).Count);
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "spop:s"));

        Assert.Equal("$-1\r\n", await c.CommandAsync("SPOP", "spop:missing"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SPOP", "spop:missing", "3"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "spop:keep", "k"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SPOP", "spop:keep", "0"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SCARD", "spop:keep"));

        await using var c3 = await ConnectResp3Async();
        Assert.Equal("_\r\n", await c3.CommandAsync("SPOP", "spop:missing"));
        Assert.Equal("~0\r\n", await c3.CommandAsync("SPOP", "spop:missing", "3"));
        Assert.Equal("~1\r\n$1\r\nk\r\n", await c3.CommandAsync("SPOP", "spop:keep", "9"));
        Assert.Equal(":3\r\n", await c3.CommandAsync("SADD", "spop:three", "a", "b", "c"));
        Assert.Equal(RespType.Set, (await c3.ReadValueAfterAsync("SPOP", "spop:three", "2")).Type);
    }

    [Fact]
    public async Task Spop_and_srandmember_bad_counts_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "badcount:s", "a", "b"));
        const string NotPositive = "-ERR value is out of range, must be positive\r\n";
        Assert.Equal(NotPositive, await c.CommandAsync("SPOP", "badcount:s", "-1"));
        Assert.Equal(NotPositive, await c.CommandAsync("SPOP", "badcount:s", "x"));
        Assert.Equal(NotPositive, await c.CommandAsync("SPOP", "badcount:s", "1.5"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SPOP", "badcount:s", "1", "2"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SRANDMEMBER", "badcount:s", "1", "2"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("SRANDMEMBER", "badcount:s", "x"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            await c.CommandAsync("SRANDMEMBER", "badcount:s", "-9223372036854775808"));
        // Beyond what could be built in memory we refuse rather than crash (Redis would try).
        Assert.Equal("-ERR value is out of range\r\n", await c.CommandAsync("SRANDMEMBER", "badcount:s", "-9223372036854775807"));
        Assert.Equal("-ERR wrong number of arguments for 'spop' command\r\n", await c.CommandAsync("SPOP"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SCARD", "badcount:s"));
    }

    [Fact]
    public async Task Srandmember_distinct_for_positive_counts_repeats_for_negative_and_always_an_array()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await c.CommandAsync("SADD", "srand:s", "a", "b", "c"));
        Assert.Contains((await c.ReadValueAfterAsync("SRANDMEMBER", "srand:s")).AsString(), new[] { "a", "b", "c" });
        Assert.Equal(["a", "b", "c"], Sorted(await c.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "10")));
        Assert.Equal(["a", "b", "c"], Sorted(await c.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "9223372036854775807")));
        var two = Sorted(await c.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "2"));
        Assert.Equal(2, two.Distinct().Count());
        var repeats = Sorted(await c.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "-50"));
        Assert.Equal(50, repeats.Length);
        Assert.All(repeats, m => Assert.Contains(m, new[] { "a", "b", "c" }));
        Assert.True(repeats.Distinct().Count() < 50);
        Assert.Equal("*0\r\n", await c.CommandAsync("SRANDMEMBER", "srand:s", "0"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SRANDMEMBER", "srand:missing", "5"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("SRANDMEMBER", "srand:missing"));
        Assert.Equal(":3\r\n", await c.CommandAsync("SCARD", "srand:s"));

        await using var c3 = await ConnectResp3Async();
        Assert.Equal("_\r\n", await c3.CommandAsync("SRANDMEMBER", "srand:missing"));
        Assert.Equal("*0\r\n", await c3.CommandAsync("SRANDMEMBER", "srand:missing", "5"));
        Assert.Equal(RespType.Array, (await c3.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "10")).Type);
        Assert.Equal(RespType.Array, (await c3.ReadValueAfterAsync("SRANDMEMBER", "srand:s", "-2")).Type);
    }

    [Fact]
    public async Task Sscan_returns_every_member_once_with_match_and_count()
    {
        await using var c = await fixture.ConnectAsync();
        var all = Enumerable.Range(0, 300).Select(i => $"m{i}").ToArray();
        Assert.Equal(":300\r\n", await c.CommandAsync(["SADD", "sscan:s", .. all]));
        var seen = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = await c.ReadValueAfterAsync("SSCAN", "sscan:s", cursor, "COUNT", "20");
            cursor = reply[0].AsString()!;
            seen.AddRange(reply[1].AsStringArray().Select(s => s!));
            calls++;
        }
        while (cursor != "0");
        Assert.True(calls > 5, $"{calls} calls");
        Assert.Equal(all.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        var matched = await c.ReadValueAfterAsync("SSCAN", "sscan:s", "0", "MATCH", "m1?", "COUNT", "1000");
        Assert.Equal("0", matched[0].AsString());
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"m{i}").Order(StringComparer.Ordinal), Sorted(matched[1]));

        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", await c.CommandAsync("SSCAN", "sscan:missing", "0"));
        Assert.Equal("-ERR invalid cursor\r\n", await c.CommandAsync("SSCAN", "sscan:s", "x"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SSCAN", "sscan:s", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("SSCAN", "sscan:s", "0", "TYPE", "set"));
    }

    [Fact]
    public async Task Binary_members_round_trip()
    {
        await using var c = await fixture.ConnectAsync();
        byte[] member = [0, 13, 10, 255, 32];
        await c.SendAsync(RespEncoding.Command("SADD"u8.ToArray(), "binary:s"u8.ToArray(), member));
        Assert.Equal(":1\r\n", await c.ReadFrameAsync());
        await c.SendAsync(RespEncoding.Command("SISMEMBER"u8.ToArray(), "binary:s"u8.ToArray(), member));
        Assert.Equal(":1\r\n", await c.ReadFrameAsync());
        var members = await c.ReadValueAfterAsync("SMEMBERS", "binary:s");
        Assert.Equal(member, members[0].AsBytes());
    }

    [Fact]
    public async Task Stack_exchange_client_sees_set_semantics()
    {
        var db = fixture.Db;
        Assert.Equal(3, await db.SetAddAsync("se:s", ["a", "b", "c"]));
        Assert.True(await db.SetContainsAsync("se:s", "a"));
        var contained = await db.SetContainsAsync("se:s", ["b", "z"]);
        Assert.Equal(new[] { true, false }, contained);
        Assert.True(await db.SetMoveAsync("se:s", "se:t", "a"));
        Assert.Equal(2, await db.SetLengthAsync("se:s"));
        Assert.Equal(["b", "c"], (await db.SetMembersAsync("se:s")).Select(v => (string)v!).Order());
        Assert.Equal(["b", "c"], db.SetScan("se:s", pageSize: 1).Select(v => (string)v!).Order());
    }
}
