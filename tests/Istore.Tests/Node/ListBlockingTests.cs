using System.Diagnostics;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP with several clients: served by another client's
/// push, first blocked first served, timeouts in RESP2 and RESP3, commands pipelined behind a
/// blocked one, chains of moves, disconnects, and many producers and consumers at once. Tests wait
/// for INFO's blocked_clients rather than sleeping, so the order of blocking is certain. Run on either engine.
/// </summary>
public abstract class ListBlockingTests(NodeFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string KeyAndElement(string key, string element) => "*2\r\n" + Bulk(key) + Bulk(element);

    /// <summary>Sends a blocking command and waits until the node counts <paramref name="blockedAfter"/> blocked clients.</summary>
    private async Task<RawConnection> BlockAsync(int blockedAfter, params string[] command)
    {
        var c = await fixture.ConnectAsync();
        await c.SendCommandAsync(command);
        await WaitForBlockedAsync(blockedAfter);
        return c;
    }

    private async Task WaitForBlockedAsync(int count)
    {
        await using var admin = await fixture.ConnectAsync();
        await admin.WaitForBlockedClientsAsync(count);
    }

    private static async Task AssertNoReplyAsync(RawConnection c) =>
        await Assert.ThrowsAsync<TimeoutException>(() => c.ReadFrameAsync(Quiet));

    [Fact]
    public async Task Blpop_waits_until_another_client_pushes()
    {
        await using var waiter = await BlockAsync(1, "BLPOP", "wake:a", "wake:b", "0");
        await AssertNoReplyAsync(waiter);
        await using var pusher = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await pusher.CommandAsync("RPUSH", "wake:b", "x", "y"));
        Assert.Equal(KeyAndElement("wake:b", "x"), await waiter.ReadFrameAsync());
        Assert.Equal("*1\r\n$1\r\ny\r\n", await pusher.CommandAsync("LRANGE", "wake:b", "0", "-1"));
        await WaitForBlockedAsync(0);
        // The same connection serves commands again.
        Assert.Equal("+PONG\r\n", await waiter.CommandAsync("PING"));
    }

    [Fact]
    public async Task Brpop_takes_the_tail_and_serves_at_once_from_the_first_non_empty_key()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RPUSH", "now:2", "a", "b");
        await c.CommandAsync("RPUSH", "now:3", "c");
        Assert.Equal(KeyAndElement("now:2", "b"), await c.CommandAsync("BRPOP", "now:1", "now:2", "now:3", "0"));
        Assert.Equal(KeyAndElement("now:2", "a"), await c.CommandAsync("BLPOP", "now:1", "now:2", "now:3", "0"));
        Assert.Equal(KeyAndElement("now:3", "c"), await c.CommandAsync("BLPOP", "now:1", "now:2", "now:3", "0"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "now:2", "now:3"));

        await using var waiter = await BlockAsync(1, "BRPOP", "now:4", "0");
        await c.CommandAsync("RPUSH", "now:4", "x", "y", "z");
        Assert.Equal(KeyAndElement("now:4", "z"), await waiter.ReadFrameAsync());
    }

    [Fact]
    public async Task First_blocked_is_first_served()
    {
        var waiters = new List<RawConnection>();
        for (int i = 0; i < 3; i++)
            waiters.Add(await BlockAsync(i + 1, "BLPOP", "fair:k", "0"));
        await using var pusher = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await pusher.CommandAsync("RPUSH", "fair:k", "one"));
        Assert.Equal(KeyAndElement("fair:k", "one"), await waiters[0].ReadFrameAsync());
        await AssertNoReplyAsync(waiters[1]);
        // One push of two elements serves the next two in order.
        Assert.Equal(":2\r\n", await pusher.CommandAsync("RPUSH", "fair:k", "two", "three"));
        Assert.Equal(KeyAndElement("fair:k", "two"), await waiters[1].ReadFrameAsync());
        Assert.Equal(KeyAndElement("fair:k", "three"), await waiters[2].ReadFrameAsync());
        Assert.Equal(":0\r\n", await pusher.CommandAsync("EXISTS", "fair:k"));
        foreach (var w in waiters)
            await w.DisposeAsync();
    }

    [Fact]
    public async Task Timeouts_answer_null_in_resp2_and_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        var clock = Stopwatch.StartNew();
        Assert.Equal("*-1\r\n", await c.CommandAsync("BLPOP", "to:missing", "0.2"));
        Assert.InRange(clock.ElapsedMilliseconds, 150, 5000);
        // A null array even for the moves, as Redis answers every timed-out list pop.
        Assert.Equal("*-1\r\n", await c.CommandAsync("BLMOVE", "to:missing", "to:d", "LEFT", "LEFT", "0.05"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BRPOPLPUSH", "to:missing", "to:d", "0.05"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BLMPOP", "0.05", "1", "to:missing", "LEFT"));
        Assert.Equal("*-1\r\n", await c.CommandAsync("BRPOP", "to:missing", "0.05"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "to:d"));

        await using var c3 = await fixture.ConnectAsync();
        await c3.ReadValueAfterAsync("HELLO", "3");
        Assert.Equal("_\r\n", await c3.CommandAsync("BLPOP", "to:missing", "0.05"));
        Assert.Equal("_\r\n", await c3.CommandAsync("BLMOVE", "to:missing", "to:d", "LEFT", "LEFT", "0.05"));
        Assert.Equal("_\r\n", await c3.CommandAsync("BLMPOP", "0.05", "1", "to:missing", "LEFT"));
        await WaitForBlockedAsync(0);
    }

    [Fact]
    public async Task Bad_timeouts_get_redis_errors()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR timeout is negative\r\n", await c.CommandAsync("BLPOP", "bt:k", "-1"));
        Assert.Equal("-ERR timeout is negative\r\n", await c.CommandAsync("BLMOVE", "bt:k", "bt:d", "LEFT", "LEFT", "-0.5"));
        Assert.Equal("-ERR timeout is not a float or out of range\r\n", await c.CommandAsync("BRPOP", "bt:k", "soon"));
        Assert.Equal("-ERR timeout is not a float or out of range\r\n", await c.CommandAsync("BLMPOP", "nan", "1", "bt:k", "LEFT"));
        // Redis 7.2's wording for a timeout past the end of time.
        Assert.Equal("-ERR timeout is out of range\r\n", await c.CommandAsync("BRPOPLPUSH", "bt:k", "bt:d", "1e300"));
        Assert.Equal("-ERR timeout is out of range\r\n", await c.CommandAsync("BLPOP", "bt:k", "inf"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("BLMOVE", "bt:k", "bt:d", "UP", "LEFT", "0"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", await c.CommandAsync("BLMPOP", "0", "0", "bt:k", "LEFT"));
        Assert.Equal("-ERR count should be greater than 0\r\n", await c.CommandAsync("BLMPOP", "0", "1", "bt:k", "LEFT", "COUNT", "0"));
        Assert.Equal("-ERR wrong number of arguments for 'blpop' command\r\n", await c.CommandAsync("BLPOP", "bt:k"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Commands_pipelined_behind_a_blocked_one_wait_for_it()
    {
        await using var c = await fixture.ConnectAsync();
        await c.SendAsync(RespEncoding.CommandText(Encoding.UTF8, "BLPOP", "pipe:k", "0")
            + RespEncoding.CommandText(Encoding.UTF8, "RPUSH", "pipe:k", "mine")
            + RespEncoding.CommandText(Encoding.UTF8, "PING"));
        await WaitForBlockedAsync(1);
        await AssertNoReplyAsync(c);
        await using var pusher = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await pusher.CommandAsync("RPUSH", "pipe:k", "theirs"));
        Assert.Equal(KeyAndElement("pipe:k", "theirs"), await c.ReadFrameAsync());
        Assert.Equal(":1\r\n", await c.ReadFrameAsync());
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        Assert.Equal("*1\r\n$4\r\nmine\r\n", await c.CommandAsync("LRANGE", "pipe:k", "0", "-1"));
    }

    [Fact]
    public async Task Blmove_chains_wake_the_next_waiter()
    {
        await using var mover = await BlockAsync(1, "BLMOVE", "chain:a", "chain:b", "RIGHT", "LEFT", "0");
        await using var popper = await BlockAsync(2, "BLPOP", "chain:b", "0");
        await using var pusher = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await pusher.CommandAsync("LPUSH", "chain:a", "second", "first"));
        Assert.Equal(Bulk("second"), await mover.ReadFrameAsync());
        Assert.Equal(KeyAndElement("chain:b", "second"), await popper.ReadFrameAsync());
        Assert.Equal("*1\r\n$5\r\nfirst\r\n", await pusher.CommandAsync("LRANGE", "chain:a", "0", "-1"));
        Assert.Equal(":0\r\n", await pusher.CommandAsync("EXISTS", "chain:b"));

        await using var rpoplpush = await BlockAsync(1, "BRPOPLPUSH", "chain:c", "chain:d", "0");
        Assert.Equal(":1\r\n", await pusher.CommandAsync("RPUSH", "chain:c", "v"));
        Assert.Equal(Bulk("v"), await rpoplpush.ReadFrameAsync());
        Assert.Equal("*1\r\n$1\r\nv\r\n", await pusher.CommandAsync("LRANGE", "chain:d", "0", "-1"));
    }

    [Fact]
    public async Task Blmove_to_a_destination_of_another_type_fails_the_waiter_and_keeps_the_element()
    {
        await using var mover = await BlockAsync(1, "BLMOVE", "wt:src", "wt:dst", "LEFT", "LEFT", "0");
        await using var other = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CommandAsync("SET", "wt:dst", "string"));
        Assert.Equal(":1\r\n", await other.CommandAsync("RPUSH", "wt:src", "x"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await mover.ReadFrameAsync());
        Assert.Equal("*1\r\n$1\r\nx\r\n", await other.CommandAsync("LRANGE", "wt:src", "0", "-1"));
        await WaitForBlockedAsync(0);
    }

    [Fact]
    public async Task A_key_of_another_type_does_not_wake_a_list_waiter()
    {
        await using var waiter = await BlockAsync(1, "BLPOP", "ot:k", "1");
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await other.CommandAsync("HSET", "ot:k", "f", "v"));
        Assert.Equal("*-1\r\n", await waiter.ReadFrameAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(":1\r\n", await other.CommandAsync("EXISTS", "ot:k"));
    }

    [Fact]
    public async Task Renaming_a_list_onto_the_awaited_key_wakes_the_waiter()
    {
        await using var waiter = await BlockAsync(1, "BLPOP", "ren:target", "0");
        await using var other = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await other.CommandAsync("RPUSH", "ren:source", "r1", "r2"));
        Assert.Equal("+OK\r\n", await other.CommandAsync("RENAME", "ren:source", "ren:target"));
        Assert.Equal(KeyAndElement("ren:target", "r1"), await waiter.ReadFrameAsync());
        Assert.Equal("*1\r\n$2\r\nr2\r\n", await other.CommandAsync("LRANGE", "ren:target", "0", "-1"));
    }

    [Fact]
    public async Task A_waiter_gets_the_element_before_a_pop_pipelined_right_behind_the_push()
    {
        await using var waiter = await BlockAsync(1, "BRPOP", "steal:k", "0");
        await using var other = await fixture.ConnectAsync();
        await other.SendAsync(RespEncoding.CommandText(Encoding.UTF8, "RPUSH", "steal:k", "only")
            + RespEncoding.CommandText(Encoding.UTF8, "LPOP", "steal:k"));
        Assert.Equal(":1\r\n", await other.ReadFrameAsync());
        Assert.Equal("$-1\r\n", await other.ReadFrameAsync());
        Assert.Equal(KeyAndElement("steal:k", "only"), await waiter.ReadFrameAsync());
    }

    [Fact]
    public async Task Blmpop_serves_count_elements_from_the_key_that_became_ready()
    {
        await using var waiter = await BlockAsync(1, "BLMPOP", "0", "2", "mp:a", "mp:b", "RIGHT", "COUNT", "2");
        await using var pusher = await fixture.ConnectAsync();
        Assert.Equal(":3\r\n", await pusher.CommandAsync("RPUSH", "mp:b", "1", "2", "3"));
        Assert.Equal("*2\r\n$4\r\nmp:b\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", await waiter.ReadFrameAsync());
        Assert.Equal("*1\r\n$1\r\n1\r\n", await pusher.CommandAsync("LRANGE", "mp:b", "0", "-1"));
    }

    [Fact]
    public async Task A_disconnected_waiter_takes_nothing()
    {
        var gone = await BlockAsync(1, "BLPOP", "dc:k", "0");
        await gone.DisposeAsync();
        await WaitForBlockedAsync(0);
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await c.CommandAsync("RPUSH", "dc:k", "kept"));
        Assert.Equal("*1\r\n$4\r\nkept\r\n", await c.CommandAsync("LRANGE", "dc:k", "0", "-1"));
    }

    [Fact]
    public Task Many_producers_and_consumers_hand_over_every_element_exactly_once() => HandOverAsync(fixture.ConnectAsync);

    [Fact]
    public async Task Producers_and_consumers_on_different_event_loops_hand_over_every_element_exactly_once()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", fixture.Engine, "--threads", "2"]);
        await HandOverAsync(node.ConnectAsync);
    }

    /// <summary>Producers push to two lists while consumers BLPOP both: every element arrives once, nothing is left.</summary>
    private static async Task HandOverAsync(Func<Task<RawConnection>> connect)
    {
        const int Producers = 3, PerProducer = 200, Consumers = 4;
        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, Consumers).Select(_ => Task.Run(async () =>
        {
            await using var c = await connect();
            while (true)
            {
                var reply = await c.ReadValueAfterAsync("BLPOP", "mpc:q1", "mpc:q2", "0.5");
                if (reply.IsNull)
                {
                    if (stop.IsCancellationRequested) return;
                    continue;
                }
                received.Add(reply[1].AsString()!);
            }
        })).ToList();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            await using var c = await connect();
            for (int i = 0; i < PerProducer; i++)
                await c.CommandAsync(i % 2 == 0 ? "RPUSH" : "LPUSH", i % 3 == 0 ? "mpc:q1" : "mpc:q2", $"{p}-{i}");
        })).ToList();
        await Task.WhenAll(producers);
        var deadline = Stopwatch.StartNew();
        while (received.Count < Producers * PerProducer && deadline.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(20);
        stop.Cancel();
        await Task.WhenAll(consumers);
        var expected = Enumerable.Range(0, Producers).SelectMany(p => Enumerable.Range(0, PerProducer).Select(i => $"{p}-{i}")).Order();
        Assert.Equal(expected, received.Order());
        await using var check = await connect();
        Assert.Equal(":0\r\n", await check.CommandAsync("EXISTS", "mpc:q1", "mpc:q2"));
    }
}
