using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// SORT and SORT_RO side by side with a real redis-server 7, byte for byte: numeric and ALPHA
/// order, DESC, LIMIT edges, BY and GET through strings and hash fields, unsorted BY on lists and
/// sorted sets, STORE over any type, bad input, the keys COMMAND GETKEYS reports (what the proxy
/// routes by) and a seeded random stream. Cases where Redis's own order is unspecified (an
/// unsorted set without STORE, ALPHA BY ties) are left out. STORE survives kill -9.
/// </summary>
public abstract class SortCommandTests(NodeFixture fixture, RedisServerFixture redis)
{
    private Task<ReplyOracle> ConnectAsync() => ReplyOracle.ConnectAsync(fixture, redis);

    private static async Task RunAsync(ReplyOracle both, params string[] script)
    {
        foreach (var line in script)
            await both.AgreeAsync(line.Split(' '));
    }

    [Fact]
    public async Task Sorts_lists_sets_and_sorted_sets_by_value_alpha_and_limit()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL so:l so:s so:z so:a",
            "RPUSH so:l 3 1 2 10 -5 2.5 1e2 0 -0 +7",
            "SADD so:s 9 8 7 -1 100 3.25",
            "ZADD so:z 1 30 2 20 3 10 4 5 5 -1",
            "RPUSH so:a banana apple Cherry apple date 10 9",
            "SORT so:l", "SORT so:l DESC", "SORT so:s", "SORT so:s desc", "SORT so:z", "SORT so:z DESC",
            "SORT so:a", "SORT so:a ALPHA", "SORT so:a ALPHA DESC", "SORT so:missing", "SORT so:missing ALPHA DESC",
            "SORT so:l LIMIT 0 3", "SORT so:l LIMIT 2 3", "SORT so:l LIMIT -5 2", "SORT so:l LIMIT 8 100", "SORT so:l LIMIT 10 1",
            "SORT so:l LIMIT 100 1", "SORT so:l LIMIT 3 0", "SORT so:l LIMIT 3 -1", "SORT so:l LIMIT 0 3 LIMIT 1 1 DESC ASC",
            "SORT_RO so:l DESC LIMIT 1 4", "SORT_RO so:a ALPHA LIMIT 2 2");
    }

    [Fact]
    public async Task By_and_get_read_strings_and_hash_fields()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL so:ids so:w_1 so:w_2 so:w_3 so:w_4 so:h_1 so:h_2 so:h_3 so:name_1 so:name_2 so:name_3",
            "RPUSH so:ids 1 2 3 4",
            "MSET so:w_1 30 so:w_2 10 so:w_3 20 so:name_1 one so:name_2 two so:name_3 three",
            "HSET so:h_1 rank 3 title first",
            "HSET so:h_2 rank 1 title second",
            "HSET so:h_3 rank 2",
            "SORT so:ids BY so:w_*", "SORT so:ids BY so:w_* DESC", "SORT so:ids BY so:h_*->rank",
            "SORT so:ids BY so:h_*->rank GET # GET so:name_* GET so:h_*->title GET so:h_*->missing",
            "SORT so:ids BY so:w_* GET so:w_* GET so:nostar GET #", "SORT so:ids BY so:w_* LIMIT 1 2 GET so:name_*",
            "SORT so:ids BY so:name_* ALPHA GET so:name_*", "SORT so:ids BY so:w_*-> GET so:w_*->",
            "SORT so:ids BY nosort", "SORT so:ids BY nosort DESC", "SORT so:ids BY nosort LIMIT 1 2", "SORT so:ids BY nosort DESC LIMIT 1 2",
            "SORT so:ids BY nosort LIMIT 5 2", "SORT so:ids BY nosort GET so:name_*",
            "ZADD so:zz 3 a 1 b 2 c 4 d",
            "SORT so:zz BY nosort", "SORT so:zz BY nosort DESC LIMIT 1 2", "SORT so:zz BY nosort LIMIT -3 2",
            "SORT so:zz ALPHA", "SORT so:zz", "SORT so:ids BY so:h_*->title ALPHA GET #");
    }

    [Fact]
    public async Task Store_writes_a_list_over_any_type_and_an_empty_result_deletes_it()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL so:src so:dst so:set so:empty",
            "RPUSH so:src 3 1 2",
            "SET so:dst x EX 1000",
            "SORT so:src STORE so:dst", "TYPE so:dst", "TTL so:dst", "LRANGE so:dst 0 -1",
            "SORT so:src DESC STORE so:src", "LRANGE so:src 0 -1",
            "SORT so:src GET so:nothing_* GET # STORE so:dst", "LRANGE so:dst 0 -1",
            "SADD so:set c a b",
            "SORT so:set BY nosort STORE so:dst", "LRANGE so:dst 0 -1",
            "SORT so:empty STORE so:dst", "EXISTS so:dst",
            "SORT so:src STORE so:dst LIMIT 0 1 STORE so:dst2", "LRANGE so:dst2 0 -1", "EXISTS so:dst",
            "SORT_RO so:src STORE so:dst");
    }

    [Fact]
    public async Task Bad_input_gets_redis_errors()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL so:bad so:str so:h so:num",
            "RPUSH so:bad 1 two 3",
            "SET so:str 5",
            "HSET so:h f 1",
            "RPUSH so:num 1 2",
            "SET so:w_1 abc",
            "SORT so:bad", "SORT so:bad ALPHA", "SORT so:str", "SORT so:h", "SORT so:bad STORE so:x", "EXISTS so:x",
            "SORT so:num BY so:w_*", "SORT so:num LIMIT 1", "SORT so:num LIMIT a 1", "SORT so:num LIMIT 0 b", "SORT so:num BY",
            "SORT so:num GET", "SORT so:num STORE", "SORT so:num NOSUCH", "SORT so:num ALPHA DESC LIMIT 0 1 BOGUS",
            "SORT_RO so:num STORE so:x", "SORT so:missing LIMIT x 1");
    }

    [Fact]
    public async Task Getkeys_names_the_sorted_key_and_the_store_destination_as_redis_does()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "COMMAND GETKEYS SORT k", "COMMAND GETKEYS SORT k STORE d", "COMMAND GETKEYS SORT k LIMIT 0 1 STORE d ALPHA",
            "COMMAND GETKEYS SORT k GET STORE BY STORE STORE d", "COMMAND GETKEYS SORT k STORE a STORE b",
            "COMMAND GETKEYS SORT_RO k BY w_*");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task Random_sorts_give_redis_replies(int seed)
    {
        await using var both = await ConnectAsync();
        var random = new Random(seed);
        string p = $"so:r{seed}";
        for (int round = 0; round < 40; round++)
        {
            int n = random.Next(0, 25);
            bool numeric = random.Next(3) != 0;
            var elements = Enumerable.Range(0, n).Select(i => numeric ? random.Next(-50, 50).ToString() : $"e{random.Next(0, 1000)}").ToArray();
            await both.AgreeAsync("DEL", $"{p}:l", $"{p}:z", $"{p}:s");
            if (n > 0)
            {
                await both.AgreeAsync(["RPUSH", $"{p}:l", .. elements]);
                await both.AgreeAsync(["SADD", $"{p}:s", .. elements]);
                await both.AgreeAsync(["ZADD", $"{p}:z", .. elements.SelectMany((e, i) => new[] { random.Next(0, 10).ToString(), e })]);
            }
            // Distinct weights for every element (ALPHA BY ties have no defined order); some numeric weights missing.
            var distinct = elements.Distinct().ToArray();
            var weights = distinct.OrderBy(_ => random.Next()).Select((e, i) => (e, i)).ToArray();
            foreach (var (e, i) in weights)
            {
                await both.AgreeAsync("SET", $"{p}:w_{e}", $"w{i:D3}");
                await both.AgreeAsync("SET", $"{p}:n_{e}", random.Next(5) == 0 ? "x" : (i * 7 % 11).ToString());
                if (random.Next(4) == 0)
                    await both.AgreeAsync("DEL", $"{p}:n_{e}");
                await both.AgreeAsync("HSET", $"{p}:h_{e}", "f", (i % 4).ToString());
            }
            for (int q = 0; q < 12; q++)
            {
                string key = $"{p}:{new[] { "l", "z", "s" }[random.Next(3)]}";
                var args = new List<string> { random.Next(4) == 0 ? "SORT_RO" : "SORT", key };
                int by = random.Next(5);
                if (by == 1) args.AddRange(["BY", $"{p}:w_*", "ALPHA"]);
                else if (by == 2) args.AddRange(["BY", $"{p}:n_*"]);
                else if (by == 3) args.AddRange(["BY", $"{p}:h_*->f"]);
                else if (by == 4 && !key.EndsWith(":s")) args.AddRange(["BY", "nosort"]);
                else if (!numeric) args.Add("ALPHA");
                if (random.Next(2) == 0) args.Add("DESC");
                if (random.Next(2) == 0) args.AddRange(["LIMIT", random.Next(-2, n + 2).ToString(), random.Next(-1, n + 2).ToString()]);
                for (int g = random.Next(0, 3); g > 0; g--)
                    args.AddRange(["GET", new[] { "#", $"{p}:w_*", $"{p}:h_*->f", $"{p}:missing_*" }[random.Next(4)]]);
                bool store = args[0] == "SORT" && random.Next(3) == 0;
                if (store) args.AddRange(["STORE", $"{p}:dest"]);
                await both.AgreeAsync([.. args]);
                if (store)
                    await both.AgreeAsync("LRANGE", $"{p}:dest", "0", "-1");
            }
        }
    }

    [Fact]
    public async Task A_stored_sort_survives_kill_and_restart_after_its_weights_changed()
    {
        await using var node = await fixture.StartNodeAsync(["--appendfsync", "always"]);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":3\r\n", await c.CommandAsync("RPUSH", "sd:ids", "1", "2", "3"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("MSET", "sd:w_1", "3", "sd:w_2", "1", "sd:w_3", "2"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "sd:dest", "old"));
            Assert.Equal(":6\r\n", await c.CommandAsync("SORT", "sd:ids", "BY", "sd:w_*", "GET", "#", "GET", "sd:w_*", "STORE", "sd:dest"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("MSET", "sd:w_1", "0", "sd:w_2", "9"));
            Assert.Equal(":0\r\n", await c.CommandAsync("SORT", "sd:missing", "STORE", "sd:gone"));
        }
        const string expected = "*6\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n";
        await node.AssertSurvivesKillAndRestartAsync(c => c.CommandAsync("LRANGE", "sd:dest", "0", "-1"), expected);
    }
}
