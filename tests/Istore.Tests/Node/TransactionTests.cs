using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// MULTI EXEC DISCARD WATCH UNWATCH against a real node: queued replies, errors at queue time
/// (EXECABORT) and at run time (one error reply inside EXEC, the rest still runs), WATCH
/// invalidated by other clients, expiry and FLUSHALL, and EXEC's atomicity both against
/// concurrent writers on other event loops and across a kill -9. Replies byte for byte as Redis 7.
/// </summary>
public abstract class TransactionTests(NodeFixture fixture, RedisServerFixture redis)
{
    private const string Ok = "+OK\r\n";
    private const string Queued = "+QUEUED\r\n";
    private const string ExecAbort = "-EXECABORT Transaction discarded because of previous errors.\r\n";
    private const string Nil = "$-1\r\n";

    internal static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    /// <summary>MULTI, each command (expecting +QUEUED), then EXEC's reply.</summary>
    internal static async Task<string> TransactAsync(RawConnection c, params string[][] commands)
    {
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        foreach (var command in commands)
            Assert.Equal(Queued, await c.CommandAsync(command));
        return await c.CommandAsync("EXEC");
    }

    [Fact]
    public async Task Exec_returns_every_queued_reply_and_a_runtime_error_does_not_stop_the_rest()
    {
        await using var c = await fixture.ConnectAsync();
        string reply = await TransactAsync(c,
            ["SET", "tx:run:s", "text"],
            ["INCR", "tx:run:s"],
            ["HSET", "tx:run:s", "f", "v"],
            ["INCR", "tx:run:n"],
            ["GET", "tx:run:n"]);
        Assert.Equal("*5\r\n+OK\r\n-ERR value is not an integer or out of range\r\n"
            + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:1\r\n" + Bulk("1"), reply);
        Assert.Equal(Bulk("text"), await c.CommandAsync("GET", "tx:run:s"));
        Assert.Equal("*0\r\n", await TransactAsync(c));
    }

    [Fact]
    public async Task Replies_match_redis_server_step_by_step()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "EXEC", "DISCARD", "UNWATCH", "WATCH", "MULTI extra",
            "DEL tx:o:k tx:o:h", "WATCH tx:o:k tx:o:h",
            "MULTI", "MULTI", "WATCH tx:o:k", "SET tx:o:k 1", "INCR tx:o:k", "HSET tx:o:k f v", "GET tx:o:k", "EXEC",
            "MULTI", "SET tx:o:k v", "GET", "NOSUCH a b", "SET tx:o:k w", "EXEC", "GET tx:o:k",
            "MULTI", "HSET tx:o:h f 1", "HINCRBY tx:o:h f x", "HGETALL tx:o:h", "DISCARD", "EXISTS tx:o:h",
            "MULTI", "SAVE", "EXEC");
        await c.ReadValueAfterAsync("HELLO", "3");
        await oracle.ReadValueAfterAsync("HELLO", "3");
        await OracleScript.AssertSameRepliesAsync(c, oracle,
            "MULTI", "HSET tx:o:h f 1", "HGETALL tx:o:h", "HGET tx:o:h nope", "EXEC", "WATCH tx:o:h", "HSET tx:o:h g 2", "MULTI", "EXEC");
    }

    /// <summary>
    /// An EXEC's commands all run at the time it started, as in Redis 7: a key that expires while
    /// the transaction runs (here during a script that spins for 20 ms) is still there for the
    /// commands after it, and gone once the EXEC is over.
    /// </summary>
    [Fact]
    public async Task A_key_does_not_expire_while_its_transaction_runs()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string spin = ScriptingTests.Spin20Ms + " return 1";
        string[][] steps = [["MULTI"], ["SET", "tx:clock", "v", "PX", "5"], ["EVAL", spin, "0"], ["EXISTS", "tx:clock"], ["GET", "tx:clock"], ["EXEC"], ["EXISTS", "tx:clock"]];
        var replies = new List<string>();
        foreach (var step in steps)
        {
            string ours = await c.CommandAsync(step), theirs = await oracle.CommandAsync(step);
            Assert.Equal(theirs, ours);
            replies.Add(ours);
        }
        Assert.Equal("*4\r\n+OK\r\n:1\r\n:1\r\n$1\r\nv\r\n", replies[^2]);
        Assert.Equal(":0\r\n", replies[^1]);
    }

    [Fact]
    public async Task Blocking_pops_inside_exec_answer_at_once_instead_of_blocking()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("BLPOP", "txblock:empty", "0"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("RPUSH", "txblock:full", "a"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("BRPOP", "txblock:full", "0"));
        Assert.Equal("*3\r\n*-1\r\n:1\r\n*2\r\n$12\r\ntxblock:full\r\n$1\r\na\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Queued_commands_do_not_run_before_exec()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:late", "1"));
        Assert.Equal(Nil, await other.CommandAsync("GET", "tx:late"));
        Assert.Equal("*1\r\n+OK\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal(Bulk("1"), await other.CommandAsync("GET", "tx:late"));
    }

    [Fact]
    public async Task Errors_outside_and_inside_multi_use_redis_wording()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR EXEC without MULTI\r\n", await c.CommandAsync("EXEC"));
        Assert.Equal("-ERR DISCARD without MULTI\r\n", await c.CommandAsync("DISCARD"));
        Assert.Equal("-ERR wrong number of arguments for 'watch' command\r\n", await c.CommandAsync("WATCH"));
        Assert.Equal("-ERR wrong number of arguments for 'multi' command\r\n", await c.CommandAsync("MULTI", "x"));
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        // Neither of these dooms the transaction.
        Assert.Equal("-ERR MULTI calls can not be nested\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("-ERR WATCH inside MULTI is not allowed\r\n", await c.CommandAsync("WATCH", "tx:err"));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:err", "1"));
        Assert.Equal("*1\r\n+OK\r\n", await c.CommandAsync("EXEC"));
    }

    [Theory]
    [InlineData("NOSUCHCOMMAND", "-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' \r\n")]
    [InlineData("GET", "-ERR wrong number of arguments for 'get' command\r\n")]
    [InlineData("SAVE", "-ERR Command not allowed inside a transaction\r\n")]
    [InlineData("SHUTDOWN", "-ERR Command not allowed inside a transaction\r\n")]
    public async Task A_command_refused_at_queue_time_aborts_exec(string command, string error)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:abort:" + command, "1"));
        string[] refused = command switch { "GET" => ["GET"], "SAVE" or "SHUTDOWN" => [command], _ => [command, "a"] };
        Assert.Equal(error, await c.CommandAsync(refused));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:abort2:" + command, "1"));
        Assert.Equal(ExecAbort, await c.CommandAsync("EXEC"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "tx:abort:" + command, "tx:abort2:" + command));
        Assert.Equal("-ERR EXEC without MULTI\r\n", await c.CommandAsync("EXEC"));
    }

    /// <summary>
    /// Every command redis-server flags no-multi that the node also serves is refused inside MULTI
    /// with Redis's error, and dooms the transaction; the node keeps serving (SHUTDOWN once stopped it).
    /// </summary>
    [Fact]
    public async Task Commands_redis_flags_no_multi_are_refused_inside_multi_as_redis_refuses_them()
    {
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var noMulti = (await oracle.ReadValueAfterAsync("COMMAND")).Items
            .Where(c => c[2].Items.Any(f => f.AsString() == "no_multi"))
            .Select(c => c[0].AsString()!.ToUpperInvariant())
            .ToList();
        Assert.Contains("SHUTDOWN", noMulti);
        var served = noMulti.Where(name => Istore.Net.Commands.CommandTable.Find(name) is not null).ToList();
        Assert.Contains("SAVE", served);
        await using var c = await fixture.ConnectAsync();
        foreach (var name in served)
        {
            Assert.True((Istore.Net.Commands.CommandTable.Find(name)!.Flags & Istore.Net.Commands.CommandFlags.NoMulti) != 0, name);
            foreach (var args in new[] { new[] { name }, new[] { name, "NOSAVE" } })
            {
                Assert.Equal(Ok, await oracle.CommandAsync("MULTI"));
                Assert.Equal(Ok, await c.CommandAsync("MULTI"));
                Assert.Equal(await oracle.CommandAsync(args), await c.CommandAsync(args));
                Assert.Equal(await oracle.CommandAsync("EXEC"), await c.CommandAsync("EXEC"));
            }
        }
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Discard_drops_the_queue_and_the_watches()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:discard:w"));
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:discard", "1"));
        Assert.Equal(Ok, await c.CommandAsync("DISCARD"));
        Assert.Equal(Nil, await c.CommandAsync("GET", "tx:discard"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:discard:w", "changed"));
        // The watch went with DISCARD: this transaction runs.
        Assert.Equal("*1\r\n+OK\r\n", await TransactAsync(c, ["SET", "tx:discard", "2"]));
    }

    [Fact]
    public async Task Watch_aborts_exec_when_another_client_writes_the_key()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "tx:watch", "1"));
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:watch", "tx:watch:other"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:watch", "theirs"));
        Assert.Equal("*-1\r\n", await TransactAsync(c, ["SET", "tx:watch", "mine"]));
        Assert.Equal(Bulk("theirs"), await c.CommandAsync("GET", "tx:watch"));
        // EXEC forgot the watches: the next transaction runs.
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:watch", "again"));
        Assert.Equal("*1\r\n+OK\r\n", await TransactAsync(c, ["SET", "tx:watch", "mine"]));
    }

    [Theory]
    [InlineData("DEL", "tx:w:del")]
    [InlineData("HSET", "tx:w:hset")]
    [InlineData("EXPIRE", "tx:w:expire")]
    [InlineData("CREATE", "tx:w:missing")]
    public async Task Watch_sees_deletes_collection_writes_expiry_changes_and_creation(string write, string key)
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        if (write != "CREATE")
            Assert.Equal(":1\r\n", await c.CommandAsync("HSET", key, "f", "v"));
        Assert.Equal(Ok, await c.CommandAsync("WATCH", key));
        string[] command = write switch
        {
            "DEL" => ["DEL", key],
            "HSET" => ["HSET", key, "g", "w"],
            "EXPIRE" => ["EXPIRE", key, "100"],
            _ => ["SET", key, "new"],
        };
        string reply = await other.CommandAsync(command);
        Assert.True(reply is ":1\r\n" or Ok, reply);
        Assert.Equal("*-1\r\n", await TransactAsync(c, ["PING"]));
    }

    [Fact]
    public async Task Writes_before_watch_and_unwatched_keys_do_not_abort()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:before", "1"));
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:before"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:before:neighbour", "1"));
        Assert.Equal("*1\r\n" + Bulk("1"), await TransactAsync(c, ["GET", "tx:before"]));
    }

    [Fact]
    public async Task Unwatch_forgets_the_watched_keys()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:unwatch"));
        Assert.Equal(Ok, await c.CommandAsync("UNWATCH"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:unwatch", "1"));
        Assert.Equal("*1\r\n:2\r\n", await TransactAsync(c, ["INCR", "tx:unwatch"]));
    }

    [Fact]
    public async Task A_watched_key_reaching_its_expiry_aborts_exec()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "tx:ttl", "1", "PX", "150"));
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:ttl"));
        await Task.Delay(300);
        Assert.Equal("*-1\r\n", await TransactAsync(c, ["SET", "tx:ttl", "2"]));
        Assert.Equal(Nil, await c.CommandAsync("GET", "tx:ttl"));
    }

    [Fact]
    public async Task A_key_already_expired_at_watch_time_does_not_abort()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "tx:gone", "1", "PX", "10"));
        await Task.Delay(100);
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:gone"));
        Assert.Equal("*1\r\n+OK\r\n", await TransactAsync(c, ["SET", "tx:gone", "2"]));
    }

    [Fact]
    public async Task Flushall_aborts_a_transaction_watching_an_existing_key()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "present", "1"));
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "present"));
        Assert.Equal(Ok, await other.CommandAsync("FLUSHALL"));
        Assert.Equal("*-1\r\n", await TransactAsync(c, ["SET", "present", "2"]));
        // As Redis: flushing does not touch a watched key that did not exist.
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "absent"));
        Assert.Equal(Ok, await other.CommandAsync("FLUSHALL"));
        Assert.Equal("*1\r\n+OK\r\n", await TransactAsync(c, ["SET", "absent", "2"]));
    }

    [Fact]
    public async Task Resp3_aborted_exec_is_null_and_replies_keep_their_resp3_types()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:r3"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:r3", "x"));
        Assert.Equal("_\r\n", await TransactAsync(c, ["GET", "tx:r3"]));
        Assert.Equal("*3\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n",
            await TransactAsync(c, ["HSET", "tx:r3:h", "f", "v"], ["HGETALL", "tx:r3:h"], ["GET", "tx:r3:missing"]));
    }

    [Fact]
    public async Task Client_list_shows_the_open_transaction_and_a_dirty_watch()
    {
        await using var c = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        string id = (await c.ReadValueAfterAsync("CLIENT", "ID")).AsInteger().ToString();
        Assert.Equal(Ok, await c.CommandAsync("WATCH", "tx:list"));
        Assert.Equal(Ok, await other.CommandAsync("SET", "tx:list", "2"));
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("GET", "tx:list"));
        Assert.Equal(Queued, await c.CommandAsync("GET", "tx:list"));
        string line = (await other.ReadValueAfterAsync("CLIENT", "LIST", "ID", id)).AsString()!;
        Assert.Contains(" flags=xd ", line);
        Assert.Contains(" multi=2 ", line);
        Assert.Equal("*-1\r\n", await c.CommandAsync("EXEC"));
        line = (await other.ReadValueAfterAsync("CLIENT", "LIST", "ID", id)).AsString()!;
        Assert.Contains(" flags=N ", line);
        Assert.Contains(" multi=-1 ", line);
    }

    [Fact]
    public async Task Reset_and_disconnect_end_the_transaction()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("SET", "tx:reset", "1"));
        Assert.Equal("+RESET\r\n", await c.CommandAsync("RESET"));
        Assert.Equal("-ERR EXEC without MULTI\r\n", await c.CommandAsync("EXEC"));
        await using (var gone = await fixture.ConnectAsync())
        {
            Assert.Equal(Ok, await gone.CommandAsync("MULTI"));
            Assert.Equal(Queued, await gone.CommandAsync("SET", "tx:reset", "2"));
        }
        await Task.Delay(100);
        Assert.Equal(Nil, await c.CommandAsync("GET", "tx:reset"));
    }

    /// <summary>
    /// Writers on other connections (spread over both event loops) hammer one counter while a
    /// transaction increments it twice and reads it: no other INCR may land in between.
    /// </summary>
    [Fact]
    public async Task Exec_is_atomic_against_concurrent_writers_on_other_event_loops()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            await using var w = await node.ConnectAsync();
            int count = 0;
            while (!stop.IsCancellationRequested)
            {
                Assert.StartsWith(":", await w.CommandAsync("INCR", "counter"));
                count++;
            }
            return count;
        })).ToList();
        await using var c = await node.ConnectAsync();
        const int increments = 50, transactions = 100;
        string[][] commands = [.. Enumerable.Repeat<string[]>(["INCR", "counter"], increments), ["GET", "counter"]];
        for (int i = 0; i < transactions; i++)
        {
            var reply = RespValueOf(await TransactAsync(c, commands));
            long first = reply[0].AsInteger();
            for (int k = 1; k < increments; k++)
                Assert.Equal(first + k, reply[k].AsInteger());
            Assert.Equal((first + increments - 1).ToString(), reply[increments].AsString());
        }
        stop.Cancel();
        int written = (await Task.WhenAll(writers)).Sum();
        Assert.True(written > 0, "the concurrent writers never ran");
        Assert.Equal(Bulk((written + increments * transactions).ToString()), await c.CommandAsync("GET", "counter"));
    }

    private static Istore.Net.Resp.RespValue RespValueOf(string frame) => Istore.Net.Resp.RespValue.Parse(Encoding.UTF8.GetBytes(frame));

    [Fact]
    public async Task An_acknowledged_exec_survives_kill_9()
    {
        await using var node = await fixture.StartNodeAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(Ok, await c.CommandAsync("SET", "before", "1"));
            Assert.Equal("*4\r\n+OK\r\n:1\r\n+OK\r\n:2\r\n", await TransactAsync(c,
                ["MSET", "a", "1", "b", "2"], ["HSET", "h", "f", "v"], ["RENAME", "a", "renamed"], ["INCRBY", "before", "1"]));
        }
        node.Kill();
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("*4\r\n" + Bulk("2") + Bulk("2") + Nil + Bulk("1"), await c.CommandAsync("MGET", "before", "b", "a", "renamed"));
            Assert.Equal(Bulk("v"), await c.CommandAsync("HGET", "h", "f"));
        }
    }
}
