using System.Diagnostics;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// XREAD and XREADGROUP with BLOCK across clients: woken by another client's XADD, only with entries
/// newer than they asked for, first blocked first served within a group, timeouts in RESP2 and
/// RESP3, a destroyed group failing its waiters, no blocking inside MULTI. Tests wait for INFO's
/// blocked_clients rather than sleeping, so the order of blocking is certain.
/// </summary>
public abstract class StreamBlockingTests(NodeFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private async Task<RawConnection> BlockAsync(int blockedAfter, params string[] command)
    {
        var c = await fixture.ConnectAsync();
        await c.SendCommandAsync(command);
        await using var admin = await fixture.ConnectAsync();
        await admin.WaitForBlockedClientsAsync(blockedAfter);
        return c;
    }

    private static async Task AssertNoReplyAsync(RawConnection c) =>
        await Assert.ThrowsAsync<TimeoutException>(() => c.ReadFrameAsync(Quiet));

    private static string Entry(string id, params string[] pairs) =>
        $"*2\r\n${id.Length}\r\n{id}\r\n*{pairs.Length}\r\n" + string.Concat(pairs.Select(p => $"${p.Length}\r\n{p}\r\n"));

    private static string KeyEntries(string key, params string[] entries) =>
        $"*1\r\n*2\r\n${key.Length}\r\n{key}\r\n*{entries.Length}\r\n" + string.Concat(entries);

    [Fact]
    public async Task Xread_with_dollar_waits_for_the_next_entry_only()
    {
        await using var writer = await fixture.ConnectAsync();
        Assert.Equal("$3\r\n1-1\r\n", await writer.CommandAsync("XADD", "bx:a", "1-1", "old", "1"));
        await using var waiter = await BlockAsync(1, "XREAD", "BLOCK", "0", "STREAMS", "bx:a", "$");
        await AssertNoReplyAsync(waiter);
        Assert.Equal("$3\r\n2-1\r\n", await writer.CommandAsync("XADD", "bx:a", "2-1", "new", "2"));
        Assert.Equal(KeyEntries("bx:a", Entry("2-1", "new", "2")), await waiter.ReadFrameAsync());
        await writer.WaitForBlockedClientsAsync(0);
        Assert.Equal("+PONG\r\n", await waiter.CommandAsync("PING"));
    }

    [Fact]
    public async Task Xread_on_several_keys_answers_with_the_key_that_got_an_entry()
    {
        await using var writer = await fixture.ConnectAsync();
        await using var waiter = await BlockAsync(1, "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "bx:k1", "bx:k2", "0", "5-0");
        // An entry at or below the ID asked for does not wake it.
        Assert.Equal("$3\r\n4-0\r\n", await writer.CommandAsync("XADD", "bx:k2", "4-0", "f", "low"));
        await AssertNoReplyAsync(waiter);
        Assert.Equal("$3\r\n6-0\r\n", await writer.CommandAsync("XADD", "bx:k2", "6-0", "f", "high"));
        Assert.Equal(KeyEntries("bx:k2", Entry("6-0", "f", "high")), await waiter.ReadFrameAsync());
    }

    [Theory]
    [InlineData(2, "*-1\r\n")]
    [InlineData(3, "_\r\n")]
    public async Task A_timed_out_xread_answers_a_null_array(int protocol, string expected)
    {
        await using var c = await fixture.ConnectAsync();
        await c.ReadValueAfterAsync("HELLO", protocol.ToString());
        var clock = Stopwatch.StartNew();
        Assert.Equal(expected, await c.CommandAsync("XREAD", "BLOCK", "150", "STREAMS", $"bx:none{protocol}", "0"));
        Assert.True(clock.ElapsedMilliseconds >= 140, $"answered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", $"bx:none{protocol}", "g", "$", "MKSTREAM"));
        clock.Restart();
        Assert.Equal(expected, await c.CommandAsync("XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", $"bx:none{protocol}", ">"));
        Assert.True(clock.ElapsedMilliseconds >= 90, $"answered after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Blocked_group_readers_share_new_entries_first_blocked_first_served()
    {
        await using var writer = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await writer.CommandAsync("XGROUP", "CREATE", "bx:g", "grp", "$", "MKSTREAM"));
        await using var first = await BlockAsync(1, "XREADGROUP", "GROUP", "grp", "alice", "BLOCK", "0", "STREAMS", "bx:g", ">");
        await using var second = await BlockAsync(2, "XREADGROUP", "GROUP", "grp", "bob", "COUNT", "10", "BLOCK", "0", "STREAMS", "bx:g", ">");
        Assert.Equal("$3\r\n1-0\r\n", await writer.CommandAsync("XADD", "bx:g", "1-0", "job", "a"));
        Assert.Equal(KeyEntries("bx:g", Entry("1-0", "job", "a")), await first.ReadFrameAsync());
        await AssertNoReplyAsync(second);
        Assert.Equal("$3\r\n2-0\r\n", await writer.CommandAsync("XADD", "bx:g", "2-0", "job", "b"));
        Assert.Equal(KeyEntries("bx:g", Entry("2-0", "job", "b")), await second.ReadFrameAsync());
        // Each entry is pending for the consumer it went to.
        var pending = await writer.ReadValueAfterAsync("XPENDING", "bx:g", "grp", "-", "+", "10");
        Assert.Equal(["1-0", "alice", "2-0", "bob"], pending.Items.SelectMany(row => new[] { row[0].AsString(), row[1].AsString() }));
        var group = (await writer.ReadValueAfterAsync("XINFO", "GROUPS", "bx:g"))[0].Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value.AsString());
        Assert.Equal("2-0", group["last-delivered-id"]);
        Assert.Equal("2", group["entries-read"]);
    }

    [Fact]
    public async Task A_blocked_noack_reader_leaves_nothing_pending()
    {
        await using var writer = await fixture.ConnectAsync();
        await writer.CommandAsync("XGROUP", "CREATE", "bx:noack", "grp", "$", "MKSTREAM");
        await using var waiter = await BlockAsync(1, "XREADGROUP", "GROUP", "grp", "c", "NOACK", "BLOCK", "0", "STREAMS", "bx:noack", ">");
        await writer.CommandAsync("XADD", "bx:noack", "3-0", "f", "v");
        Assert.Equal(KeyEntries("bx:noack", Entry("3-0", "f", "v")), await waiter.ReadFrameAsync());
        Assert.Equal("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", await writer.CommandAsync("XPENDING", "bx:noack", "grp"));
    }

    [Fact]
    public async Task Destroying_the_group_fails_its_blocked_readers()
    {
        await using var writer = await fixture.ConnectAsync();
        await writer.CommandAsync("XGROUP", "CREATE", "bx:gone", "grp", "$", "MKSTREAM");
        await using var waiter = await BlockAsync(1, "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", "bx:gone", ">");
        Assert.Equal(":1\r\n", await writer.CommandAsync("XGROUP", "DESTROY", "bx:gone", "grp"));
        Assert.Equal("-NOGROUP the consumer group this client was blocked on no longer exists\r\n", await waiter.ReadFrameAsync());
        await writer.WaitForBlockedClientsAsync(0);
    }

    [Theory]
    [InlineData("DEL")]
    [InlineData("SET")]
    [InlineData("MULTI")]
    [InlineData("FLUSHALL")]
    public async Task A_group_reader_fails_when_its_stream_goes_and_a_plain_reader_waits_on(string how)
    {
        string key = "bx:dies:" + how;
        await using var writer = await fixture.ConnectAsync();
        await writer.CommandAsync("XADD", key, "5-0", "f", "v");
        await writer.CommandAsync("XGROUP", "CREATE", key, "grp", "$");
        await using var grouped = await BlockAsync(1, "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", key, ">");
        await using var plain = await BlockAsync(2, "XREAD", "BLOCK", "0", "STREAMS", key, "$");
        switch (how)
        {
            case "DEL":
                Assert.Equal(":1\r\n", await writer.CommandAsync("DEL", key));
                break;
            case "SET":
                Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", key, "now a string"));
                Assert.Equal(":1\r\n", await writer.CommandAsync("DEL", key));
                break;
            case "MULTI":
                await writer.CommandAsync("MULTI");
                await writer.CommandAsync("DEL", key);
                await writer.CommandAsync("SADD", key, "member");
                Assert.Equal("*2\r\n:1\r\n:1\r\n", await writer.CommandAsync("EXEC"));
                Assert.Equal(":1\r\n", await writer.CommandAsync("DEL", key));
                break;
            default:
                Assert.Equal("+OK\r\n", await writer.CommandAsync("FLUSHALL"));
                break;
        }
        Assert.Equal("-UNBLOCKED the stream key no longer exists\r\n", await grouped.ReadFrameAsync());
        // XREAD needs no group: a stream made anew serves it.
        await AssertNoReplyAsync(plain);
        await writer.CommandAsync("XADD", key, "6-0", "f", "again");
        Assert.Equal(KeyEntries(key, Entry("6-0", "f", "again")), await plain.ReadFrameAsync());
    }

    [Fact]
    public async Task Inside_multi_a_blocking_read_does_not_block()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("XREAD", "BLOCK", "0", "STREAMS", "bx:multi", "$"));
        Assert.Equal("+QUEUED\r\n", await c.CommandAsync("XADD", "bx:multi", "1-0", "f", "v"));
        Assert.Equal("*2\r\n*-1\r\n$3\r\n1-0\r\n", await c.CommandAsync("EXEC"));
    }

    [Fact]
    public async Task Many_blocked_readers_each_get_the_entry_once()
    {
        var waiters = new List<RawConnection>();
        for (int i = 0; i < 5; i++)
            waiters.Add(await BlockAsync(i + 1, "XREAD", "BLOCK", "0", "STREAMS", "bx:fan", "0"));
        await using var writer = await fixture.ConnectAsync();
        await writer.CommandAsync("XADD", "bx:fan", "7-7", "f", "v");
        foreach (var waiter in waiters)
        {
            Assert.Equal(KeyEntries("bx:fan", Entry("7-7", "f", "v")), await waiter.ReadFrameAsync());
            await waiter.DisposeAsync();
        }
        await writer.WaitForBlockedClientsAsync(0);
    }
}
