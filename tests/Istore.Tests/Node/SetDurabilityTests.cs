using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Sets survive a graceful stop (checkpoint) and kill -9 (log replay, with and without a
/// checkpoint before the tail). SPOP's random choice is logged as SREM of what it popped (DEL
/// when it took everything), so the replayed set is exactly the one clients saw. On the disk
/// engine the same holds through RocksDB's WAL. Each test runs its own node on its own data directory.
/// </summary>
public abstract class SetDurabilityTests(string engine)
{
    public enum Stop { Graceful, Kill, KillAfterSave }

    /// <summary>Writes sets through every set write command and returns what each key must hold.</summary>
    private static async Task<Dictionary<string, string[]>> WriteAsync(RawConnection c)
    {
        var all = Enumerable.Range(0, 200).Select(i => $"m{i}").ToArray();
        Assert.Equal(":200\r\n", await c.CommandAsync(["SADD", "d:pop", .. all]));
        Assert.Equal(":3\r\n", await c.CommandAsync("SADD", "d:a", "1", "2", "3"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "d:b", "3", "4"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SREM", "d:a", "1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SMOVE", "d:a", "d:b", "2"));
        Assert.Equal(":3\r\n", await c.CommandAsync("SUNIONSTORE", "d:union", "d:a", "d:b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SINTERSTORE", "d:inter", "d:a", "d:b"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SDIFFSTORE", "d:diff", "d:b", "d:a"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "d:was-string", "x"));
        Assert.Equal(":1\r\n", await c.CommandAsync("SINTERSTORE", "d:was-string", "d:a"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "d:gone", "x", "y"));
        Assert.Equal(":0\r\n", await c.CommandAsync("SINTERSTORE", "d:gone", "d:a", "d:missing"));
        Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "d:all", "x", "y"));
        Assert.Equal(2, (await c.ReadValueAfterAsync("SPOP", "d:all", "5")).Count);

        var popped = new HashSet<string>(SetCommandTests.Sorted(await c.ReadValueAfterAsync("SPOP", "d:pop", "30")));
        for (int i = 0; i < 20; i++)
            Assert.True(popped.Add((await c.ReadValueAfterAsync("SPOP", "d:pop")).AsString()!));
        Assert.Equal(50, popped.Count);
        return new()
        {
            ["d:pop"] = all.Except(popped).ToArray(),
            ["d:a"] = ["3"],
            ["d:b"] = ["2", "3", "4"],
            ["d:union"] = ["2", "3", "4"],
            ["d:inter"] = ["3"],
            ["d:diff"] = ["2", "4"],
            ["d:was-string"] = ["3"],
            ["d:gone"] = [],
            ["d:all"] = [],
        };
    }

    private static async Task AssertSetsAsync(RawConnection c, Dictionary<string, string[]> expected)
    {
        foreach (var (key, members) in expected)
        {
            Assert.Equal(members.Order(StringComparer.Ordinal), SetCommandTests.Sorted(await c.ReadValueAfterAsync("SMEMBERS", key)));
            Assert.Equal(members.Length == 0 ? "+none\r\n" : "+set\r\n", await c.CommandAsync("TYPE", key));
        }
    }

    [Theory]
    [InlineData(Stop.Graceful)]
    [InlineData(Stop.Kill)]
    [InlineData(Stop.KillAfterSave)]
    public async Task Sets_and_spop_results_survive(Stop stop)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        Dictionary<string, string[]> expected;
        await using (var c = await node.ConnectAsync())
        {
            if (stop == Stop.KillAfterSave)
            {
                // Half the history in the checkpoint, the rest (more pops) in the log tail.
                Assert.Equal(":3\r\n", await c.CommandAsync("SADD", "d:early", "e1", "e2", "e3"));
                Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            }
            expected = await WriteAsync(c);
            if (stop == Stop.KillAfterSave)
            {
                var early = (await c.ReadValueAfterAsync("SPOP", "d:early")).AsString()!;
                expected["d:early"] = new[] { "e1", "e2", "e3" }.Where(m => m != early).ToArray();
            }
        }
        if (stop == Stop.Graceful)
            Assert.Equal(0, await node.TerminateAsync());
        else
            node.Kill();
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        await AssertSetsAsync(check, expected);
        // The replayed sets are live: they take further writes.
        Assert.Equal(":1\r\n", await check.CommandAsync("SADD", "d:a", "new"));
    }

    [Fact]
    public async Task A_set_written_after_its_key_expired_survives_kill9()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":2\r\n", await c.CommandAsync("SADD", "exp:s", "old1", "old2"));
            Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "exp:s", "100"));
            await Task.Delay(300);
            // Expired (lazily or by the background cycle): this starts a new set without a TTL.
            Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "exp:s", "new"));
        }
        node.Kill();
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        Assert.Equal("*1\r\n$3\r\nnew\r\n", await check.CommandAsync("SMEMBERS", "exp:s"));
        Assert.Equal(":-1\r\n", await check.CommandAsync("TTL", "exp:s"));
    }

    [Fact]
    public async Task Kill9_during_pipelined_spops_keeps_every_acknowledged_pop_popped()
    {
        const int Size = 20_000, Batch = 50;
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        var all = Enumerable.Range(0, Size).Select(i => $"member-{i}").ToHashSet();
        var popped = new HashSet<string>();
        int acknowledged = 0;
        await using (var c = await node.ConnectAsync())
        {
            foreach (var chunk in all.Chunk(1000))
                Assert.Equal(":1000\r\n", await c.CommandAsync(["SADD", "k9:s", .. chunk]));
            var batch = Enumerable.Range(0, Batch).SelectMany(_ => RespEncoding.Command("SPOP"u8.ToArray(), "k9:s"u8.ToArray())).ToArray();
            // Pop in pipelined batches until the kill cuts the connection.
            var popper = Task.Run(async () =>
            {
                try
                {
                    while (acknowledged < Size - Batch)
                    {
                        await c.SendAsync(batch);
                        for (int i = 0; i < Batch; i++)
                        {
                            Assert.True(popped.Add((await c.ReadValueAsync(TimeSpan.FromSeconds(10))).AsString()!));
                            Interlocked.Increment(ref acknowledged);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or TimeoutException)
                {
                    // The kill ends the stream of replies.
                }
            });
            while (Volatile.Read(ref acknowledged) < 1000 && !popper.IsCompleted)
                await Task.Delay(2);
            node.Kill();
            await popper;
        }
        Assert.InRange(popped.Count, 1000, Size - Batch - 1);
        await node.RestartAsync();

        await using var check = await node.ConnectAsync();
        var remaining = SetCommandTests.Sorted(await check.ReadValueAfterAsync("SMEMBERS", "k9:s")).ToHashSet();
        Assert.Empty(remaining.Intersect(popped));
        // Pops the node applied but never acknowledged (at most one batch) may also be gone; nothing else is.
        Assert.Subset(all, remaining);
        Assert.InRange(Size - popped.Count - remaining.Count, 0, Batch);
    }
}
