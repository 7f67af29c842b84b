using System.Diagnostics;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>Replay of the append-only log: expiry across restarts, every logged effect, and damaged logs.</summary>
public partial class DurabilityTests
{
    // ---------------------------------------------------------------- expiry

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Expiry_survives_restart_and_keys_that_expired_while_down_are_gone(bool graceful)
    {
        await using var node = await NodeProcess.StartAsync();
        var clock = Stopwatch.StartNew();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:long", "L", "PX", "60000"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:via-expire", "E"));
            Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "ttl:via-expire", "500"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:short", "S", "PX", "800"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:short-exp", "S"));
            Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "ttl:short-exp", "800"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:none", "N"));
        }
        await node.StopAsync(graceful);
        // Stay down until the short keys' time has passed.
        var wait = TimeSpan.FromMilliseconds(1300) - clock.Elapsed;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        long first = ParseInteger(await check.CommandAsync("PTTL", "ttl:long"));
        Assert.InRange(first, 1, 60000 - 1300);
        await Task.Delay(60);
        long second = ParseInteger(await check.CommandAsync("PTTL", "ttl:long"));
        Assert.InRange(second, 1, first - 40);
        Assert.Equal("$1\r\nL\r\n", await check.CommandAsync("GET", "ttl:long"));
        Assert.InRange(ParseInteger(await check.CommandAsync("TTL", "ttl:via-expire")), 400, 500);
        Assert.Equal(":-1\r\n", await check.CommandAsync("PTTL", "ttl:none"));
        foreach (var gone in new[] { "ttl:short", "ttl:short-exp" })
        {
            Assert.Equal("$-1\r\n", await check.CommandAsync("GET", gone));
            Assert.Equal(":0\r\n", await check.CommandAsync("EXISTS", gone));
            Assert.Equal(":-2\r\n", await check.CommandAsync("PTTL", gone));
        }
    }

    // ---------------------------------------------------------------- replay of every effect

    [Theory]
    [InlineData("kill")]
    [InlineData("save-then-kill")]
    [InlineData("sigterm")]
    public async Task Del_flushall_rename_expire_persist_replay_correctly(string mode)
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
        {
            async Task Ok(string expect, params string[] args) => Assert.Equal(expect, await c.CommandAsync(args));

            await Ok("+OK\r\n", "SET", "fx:old1", "1");
            await Ok("+OK\r\n", "SET", "fx:old2", "2", "EX", "100");
            await Ok("+OK\r\n", "FLUSHALL");
            await Ok("+OK\r\n", "SET", "fx:after-flush", "yes");
            await Ok("+OK\r\n", "SET", "fx:deleted", "x");
            await Ok(":1\r\n", "DEL", "fx:deleted");
            await Ok("+OK\r\n", "MSET", "fx:m1", "1", "fx:m2", "2", "fx:m3", "3");
            await Ok(":2\r\n", "DEL", "fx:m1", "fx:m3", "fx:missing");
            await Ok("+OK\r\n", "SET", "fx:ctr", "10", "PXAT", "4102444800000");
            await Ok(":11\r\n", "INCR", "fx:ctr");   // in place, in the memory engine, as are the next three
            if (mode == "save-then-kill")
                await Ok("+OK\r\n", "SAVE");
            await Ok("+OK\r\n", "SET", "fx:src", "moved", "PX", "500000");
            await Ok("+OK\r\n", "RENAME", "fx:src", "fx:dst");
            await Ok("+OK\r\n", "SET", "fx:target", "old");
            await Ok("+OK\r\n", "SET", "fx:src2", "new");
            await Ok("+OK\r\n", "RENAME", "fx:src2", "fx:target");
            await Ok("+OK\r\n", "SET", "fx:exp", "e");
            await Ok(":1\r\n", "EXPIRE", "fx:exp", "1000");
            await Ok("+OK\r\n", "SET", "fx:persist", "p", "EX", "1000");
            await Ok(":1\r\n", "PERSIST", "fx:persist");
            await Ok("+OK\r\n", "SET", "fx:past", "gone");
            await Ok(":1\r\n", "PEXPIREAT", "fx:past", "1000");
            await Ok("+OK\r\n", "SET", "fx:set-clears-ttl", "a", "EX", "1000");
            await Ok("+OK\r\n", "SET", "fx:set-clears-ttl", "b");
            await Ok("+OK\r\n", "SET", "fx:keepttl", "a", "EX", "1000");
            await Ok("+OK\r\n", "SET", "fx:keepttl", "b", "KEEPTTL");
            await Ok(":5\r\n", "INCRBY", "fx:n", "5");
            await Ok(":4\r\n", "DECR", "fx:n");
            await Ok(":6\r\n", "APPEND", "fx:app", "abcdef");
            await Ok(":1\r\n", "RENAMENX", "fx:app", "fx:app2");
            await Ok(":12\r\n", "INCR", "fx:ctr");
            await Ok(":1\r\n", "PEXPIREAT", "fx:ctr", "4102444900000");
            await Ok(":13\r\n", "INCR", "fx:ctr");
        }
        switch (mode)
        {
            case "sigterm": Assert.Equal(0, await node.TerminateAsync()); break;
            default: node.Kill(); break;
        }
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        async Task Is(string expect, params string[] args) => Assert.Equal(expect, await check.CommandAsync(args));
        await Is(":0\r\n", "EXISTS", "fx:old1", "fx:old2", "fx:deleted", "fx:m1", "fx:m3", "fx:src", "fx:src2", "fx:past", "fx:app");
        await Is("$3\r\nyes\r\n", "GET", "fx:after-flush");
        await Is("$1\r\n2\r\n", "GET", "fx:m2");
        await Is("$5\r\nmoved\r\n", "GET", "fx:dst");
        Assert.InRange(ParseInteger(await check.CommandAsync("PTTL", "fx:dst")), 400_000, 500_000);
        await Is("$3\r\nnew\r\n", "GET", "fx:target");
        await Is(":-1\r\n", "TTL", "fx:target");
        Assert.InRange(ParseInteger(await check.CommandAsync("TTL", "fx:exp")), 900, 1000);
        await Is("$1\r\np\r\n", "GET", "fx:persist");
        await Is(":-1\r\n", "TTL", "fx:persist");
        await Is("$1\r\nb\r\n", "GET", "fx:set-clears-ttl");
        await Is(":-1\r\n", "TTL", "fx:set-clears-ttl");
        await Is("$1\r\nb\r\n", "GET", "fx:keepttl");
        Assert.InRange(ParseInteger(await check.CommandAsync("TTL", "fx:keepttl")), 900, 1000);
        await Is("$1\r\n4\r\n", "GET", "fx:n");
        await Is("$6\r\nabcdef\r\n", "GET", "fx:app2");
        await Is("$2\r\n13\r\n", "GET", "fx:ctr");
        await Is(":4102444900000\r\n", "PEXPIRETIME", "fx:ctr");
        await Is(":11\r\n", "DBSIZE");
    }

    // ---------------------------------------------------------------- damaged logs

    public static TheoryData<string, string> Tears => new()
    {
        { "half-record", "*3\r\n$3\r\nSET\r\n$1\r\nk" },
        { "half-header", "*3\r\n$3\r\nSET\r\n$" },
        { "lone-star", "*" },
        { "garbage", "\u0001\u0002garbage \u00ff\r\n\u0000\u0000\u0000junk" },
        { "bad-length", "*3\r\n$3\r\nSET\r\n$x\r\nk\r\n$1\r\nv\r\n" },
        { "open-transaction", "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n" },
        { "unknown-record", "*2\r\n$4\r\nEVAL\r\n$1\r\nk\r\n" },
    };

    [Theory]
    [MemberData(nameof(Tears))]
    public async Task Torn_log_tail_is_cut_with_a_warning_and_everything_before_it_is_kept(string name, string tear)
    {
        _ = name;
        await using var node = await NodeProcess.StartAsync();
        var expected = Enumerable.Range(0, 200).ToDictionary(i => $"torn:{i}", i => (string?)$"v{i}");
        await using (var c = await node.ConnectAsync())
        {
            await PipelineAsync(c, expected.Select(kv => Cmd("SET", kv.Key, kv.Value!)), expect: "+OK\r\n");
            Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "torn:0", "torn:renamed"));
        }
        expected["torn:renamed"] = expected["torn:0"];
        expected["torn:0"] = null;
        node.Kill();   // every write was acknowledged, so it is all in the log (no final checkpoint)
        var last = LastSegmentPath(node);
        long goodLength = new FileInfo(last).Length;
        Assert.True(goodLength > 0);
        await File.AppendAllTextAsync(last, tear, Encoding.Latin1);

        await node.RestartAsync();
        await AssertLoggedAsync(node, "warn: istore-node");
        await AssertLoggedAsync(node, "Append-only log " + last);
        await AssertLoggedAsync(node, "truncating to " + goodLength + " bytes");
        Assert.Equal(goodLength, new FileInfo(last).Length);
        expected["k"] = null;   // the torn record never happened
        await using (var c = await node.ConnectAsync())
        {
            await AssertValuesAsync(c, expected);
            // The log is usable again: what is written now survives the next crash too.
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "torn:after", "fine"));
        }
        expected["torn:after"] = "fine";
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        await AssertValuesAsync(check, expected);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("length")]
    [InlineData("array-marker")]
    public async Task Corrupt_record_in_the_middle_stops_start_up_with_a_clear_error_and_changes_nothing(string damage)
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
            await PipelineAsync(c, Enumerable.Range(0, 300).Select(i => Cmd("SET", $"mid:{i:D3}", $"value-{i}")), expect: "+OK\r\n");
        node.Kill();

        var last = LastSegmentPath(node);
        var bytes = await File.ReadAllBytesAsync(last);
        var record = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$7\r\nmid:150\r\n");
        int at = bytes.AsSpan().IndexOf(record);
        Assert.True(at > 0, "record of mid:150 not found in the log");
        switch (damage)
        {
            case "name": bytes[at + 9] = (byte)'X'; break;              // SET -> SXT: an unknown record
            case "length": bytes[at + 14] = (byte)'9'; break;           // $7 -> $9: the key runs into its CRLF
            case "array-marker": bytes[at] = (byte)'#'; break;          // not a RESP array any more
        }
        await File.WriteAllBytesAsync(last, bytes);

        // Replaying the records after a bad one on top of a skipped one would build a state that
        // never existed: the node refuses to start, as Redis refuses a corrupt AOF, and keeps the log as it is.
        var (exitCode, output) = await NodeProcess.RunToExitAsync(NodeProcess.BinaryPath, ["--port", node.Port.ToString(), "--dir", node.DataDirectory]);
        Assert.Equal(1, exitCode);
        Assert.Contains("the log is damaged before its end", output);
        Assert.Contains(Path.GetFileName(last), output);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(last));
    }
}
