using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// FUNCTION DUMP and RESTORE against redis-server 7.0: payloads cross both ways and restore the
/// same libraries, and a library dumps to the very bytes Redis writes (LZF-compressed or not); the APPEND, REPLACE and FLUSH policies and every error
/// answer as Redis does, a failed restore changing nothing. FUNCTION's libraries survive kill -9
/// and restarts on both engines (a checkpoint in between too) and reach a replica through the full
/// sync and through the stream; a replica refuses to change them itself.
/// </summary>
public abstract class FunctionDumpRestoreTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    private const string First = "#!lua name=first\nredis.register_function('first_fn', function(keys, args) return 'first ' .. args[1] end)";
    private const string Second = "#!lua name=second\nredis.register_function{function_name='second_fn', callback=function() return 2 end, flags={'no-writes'}, description='two'}";
    private const string SecondAgain = "#!lua name=second\nredis.register_function('second_fn', function() return 'replaced' end)";
    private const string Clash = "#!lua name=clash\nredis.register_function('first_fn', function() return 0 end)";
    private const string Broken = "#!lua name=broken\nreturn +";

    private static async Task<byte[]> DumpAsync(RawConnection c) => (await c.ReadValueAfterAsync("FUNCTION", "DUMP")).AsBytes()!;

    private static async Task<string> RestoreAsync(RawConnection c, byte[] payload, params string[] policy)
    {
        await c.SendAsync(RespEncoding.Command([.. new[] { "FUNCTION", "RESTORE" }.Select(Encoding.UTF8.GetBytes), payload, .. policy.Select(Encoding.UTF8.GetBytes)]));
        return await c.ReadFrameAsync();
    }

    /// <summary>FUNCTION LIST WITHCODE, libraries in name order (Redis lists them in its hash table's order).</summary>
    private static async Task<string> ListAsync(RawConnection c) =>
        string.Join("\n", (await c.ReadValueAfterAsync("FUNCTION", "LIST", "WITHCODE")).Items
            .Select(library => Streams.MaskedReply.Render(library, new HashSet<string>())).Order(StringComparer.Ordinal));

    private static async Task<byte[]> PayloadOfAsync(RawConnection c, params string[] libraries)
    {
        Assert.Equal("+OK\r\n", await c.CommandAsync("FUNCTION", "FLUSH"));
        foreach (var library in libraries)
            Assert.StartsWith("$", await c.CommandAsync("FUNCTION", "LOAD", library));
        return await DumpAsync(c);
    }

    [Fact]
    public async Task Payloads_cross_between_istore_and_redis_both_ways()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var ours = await PayloadOfAsync(c, First, Second);
        var theirs = await PayloadOfAsync(oracle, First, Second);
        string expected = await ListAsync(oracle);
        Assert.Equal(expected, await ListAsync(c));

        Assert.Equal("+OK\r\n", await RestoreAsync(oracle, ours, "FLUSH"));
        Assert.Equal(expected, await ListAsync(oracle));
        Assert.Equal("+OK\r\n", await RestoreAsync(c, theirs, "FLUSH"));
        Assert.Equal(expected, await ListAsync(c));
        Assert.Equal("$9\r\nfirst abc\r\n", await c.CommandAsync("FCALL", "first_fn", "0", "abc"));
        var empty = await PayloadOfAsync(c);
        Assert.Equal(await PayloadOfAsync(oracle), empty);
    }

    [Fact]
    public async Task A_library_dumps_to_the_bytes_redis_writes_compressed_or_not()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        // Long: repetitive and over 8 KB (back references at every distance and of the longest length);
        // Noise: random letters, which LZF cannot shrink by 4 bytes, so both store the code as it is.
        string longLibrary = "#!lua name=long\n" + string.Concat(Enumerable.Range(0, 300).Select(i =>
            $"redis.register_function('long_fn_{i}', function(keys, args) return {i} * 2 + #keys + #args end)\n"))
            + "-- " + new string('x', 600) + "\n";
        var random = new Random(16);
        string noise = "#!lua name=noise\n-- " + new string(Enumerable.Range(0, 400).Select(_ => (char)random.Next(33, 127)).ToArray())
            + "\nredis.register_function('noise_fn', function() return 1 end)";
        foreach (var library in new[] { First, longLibrary, noise })
        {
            var ours = await PayloadOfAsync(c, library);
            Assert.Equal(await PayloadOfAsync(oracle, library), ours);
            Assert.Equal("+OK\r\n", await RestoreAsync(oracle, ours, "FLUSH"));
            Assert.Equal(ours, await DumpAsync(oracle));
            Assert.Equal("+OK\r\n", await RestoreAsync(c, ours, "FLUSH"));
            Assert.Equal(ours, await DumpAsync(c));
        }
        Assert.True((await PayloadOfAsync(c, longLibrary)).Length < longLibrary.Length / 4);
        Assert.Equal(Encoding.UTF8.GetBytes(noise), (await PayloadOfAsync(c, noise))[3..^10]);
    }

    [Fact]
    public async Task Policies_and_errors_answer_as_redis_and_a_failed_restore_changes_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var firstOnly = await PayloadOfAsync(oracle, First);
        var secondAgain = await PayloadOfAsync(oracle, SecondAgain);
        var clash = await PayloadOfAsync(oracle, Clash);
        var broken = Sealed([0xF5, .. RdbString(Broken)]);
        var twice = Sealed([0xF5, .. RdbString(First), 0xF5, .. RdbString(First)]);
        var notAFunction = Sealed([0x00, 0x01, (byte)'x']);
        var truncated = Sealed([0xF5, 0x40]);
        var preGa = Sealed([0xF6, .. RdbString("old"), .. RdbString("LUA"), 0x00, .. RdbString("redis.register_function('old_fn', function() return 'old' end)")]);
        var badChecksum = (byte[])firstOnly.Clone();
        badChecksum[^1] ^= 0xFF;

        foreach (var side in new[] { oracle, c })
        {
            await PayloadOfAsync(side, First, Second);
        }
        async Task SameAsync(Func<RawConnection, Task<string>> step)
        {
            string expected = await step(oracle);
            Assert.Equal(expected, await step(c));
            Assert.Equal(await ListAsync(oracle), await ListAsync(c));
        }
        await SameAsync(side => RestoreAsync(side, firstOnly));
        await SameAsync(side => RestoreAsync(side, firstOnly, "APPEND"));
        await SameAsync(side => RestoreAsync(side, secondAgain, "REPLACE"));
        await SameAsync(side => RestoreAsync(side, clash, "APPEND"));
        await SameAsync(side => RestoreAsync(side, clash, "REPLACE"));
        await SameAsync(side => RestoreAsync(side, broken, "REPLACE"));
        await SameAsync(side => RestoreAsync(side, broken, "FLUSH"));
        await SameAsync(side => RestoreAsync(side, twice, "FLUSH"));
        await SameAsync(side => RestoreAsync(side, notAFunction));
        await SameAsync(side => RestoreAsync(side, truncated, "FLUSH"));
        await SameAsync(side => RestoreAsync(side, badChecksum));
        await SameAsync(side => RestoreAsync(side, [1, 2, 3]));
        await SameAsync(side => RestoreAsync(side, firstOnly, "MERGE"));
        await SameAsync(side => RestoreAsync(side, firstOnly, "FLUSH", "extra"));
        await SameAsync(side => side.CommandAsync("FUNCTION", "RESTORE"));
        await SameAsync(side => side.CommandAsync("FUNCTION", "DUMP", "extra"));
        await SameAsync(side => RestoreAsync(side, preGa, "FLUSH"));
        await SameAsync(side => side.CommandAsync("FCALL", "old_fn", "0"));
        await SameAsync(side => RestoreAsync(side, secondAgain, "FLUSH"));
        await SameAsync(side => side.CommandAsync("FUNCTION", "HELP"));
    }

    private static byte[] RdbString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length < 64 ? [(byte)bytes.Length, .. bytes] : [(byte)(0x40 | (bytes.Length >> 8)), (byte)bytes.Length, .. bytes];
    }

    /// <summary>A DUMP envelope: RDB version 10 and the CRC-64 of everything before it.</summary>
    private static byte[] Sealed(byte[] body)
    {
        byte[] withVersion = [.. body, 10, 0];
        ulong crc = Istore.Node.Dump.Crc64Jones.Compute(withVersion);
        return [.. withVersion, .. BitConverter.GetBytes(crc)];
    }

    [Fact]
    public async Task Libraries_survive_kill_9_a_checkpoint_and_a_graceful_restart()
    {
        await using var node = await fixture.StartNodeAsync(["--appendfsync", "always"]);
        string before;
        await using (var c = await node.ConnectAsync())
        {
            await PayloadOfAsync(c, First, Second);
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("FUNCTION", "DELETE", "first"));
            Assert.StartsWith("$", await c.CommandAsync("FUNCTION", "LOAD", "REPLACE", SecondAgain));
            Assert.StartsWith("$", await c.CommandAsync("FUNCTION", "LOAD", Clash));
            before = await ListAsync(c);
        }
        await node.AssertSurvivesKillAndRestartAsync(ListAsync, before);
        Assert.DoesNotContain("replayed log commands answered an error", node.Output);
        await using var check = await node.ConnectAsync();
        Assert.Equal(":0\r\n", await check.CommandAsync("FCALL", "first_fn", "0"));
        Assert.Equal("+OK\r\n", await check.CommandAsync("FUNCTION", "FLUSH"));
        node.Kill();
        await node.RestartAsync();
        await using var empty = await node.ConnectAsync();
        Assert.Equal("", await ListAsync(empty));
    }

    [Fact]
    public async Task A_replica_gets_the_libraries_by_full_sync_and_by_stream_and_refuses_to_change_them()
    {
        await using var group = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 0);
        await using (var c = await group.Master.ConnectAsync())
            await PayloadOfAsync(c, First);
        await group.AddReplicaAsync();
        await using (var c = await group.Master.ConnectAsync())
        {
            Assert.StartsWith("$", await c.CommandAsync("FUNCTION", "LOAD", Second));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "fn:after", "1"));
        }
        await group.WaitInSyncAsync();
        string expected;
        await using (var c = await group.Master.ConnectAsync())
            expected = await ListAsync(c);
        await using var r = await group.Replicas[0].ConnectAsync();
        Assert.Equal(expected, await ListAsync(r));
        Assert.Equal(":2\r\n", await r.CommandAsync("FCALL_RO", "second_fn", "0"));
        Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await r.CommandAsync("FUNCTION", "LOAD", Clash));
        Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await r.CommandAsync("FUNCTION", "FLUSH"));
        Assert.Equal(expected, await ListAsync(r));
    }
}

public sealed class FunctionDumpRestoreTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : FunctionDumpRestoreTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class FunctionDumpRestoreTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : FunctionDumpRestoreTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;
