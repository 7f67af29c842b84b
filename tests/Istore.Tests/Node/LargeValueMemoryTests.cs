using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// A large value passes through buffers as big as itself (the request's, the log's) that are let go
/// after the command; a node that then goes quiet must still hand their memory back, as redis-server's
/// RSS falls back to its data once it frees them.
/// </summary>
public sealed class LargeValueMemoryTests
{
    private const int ValueMiB = 200;

    [Fact]
    public async Task A_quiet_node_hands_back_the_memory_a_large_value_passed_through()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "memory"]);
        await using var c = await node.ConnectAsync();
        long before = Disk.DiskBlockCacheTests.ResidentMiB(node.Pid);
        var bytes = new byte[ValueMiB << 19];
        new Random(5).NextBytes(bytes);
        string value = Convert.ToHexString(bytes);   // ASCII: the client sends it as UTF-8
        Assert.Equal("OK", (await c.ReadValueAfterAsync("SET", "big", value)).AsString());
        long peak = Disk.DiskBlockCacheTests.ResidentMiB(node.Pid);

        // The value stays (ValueMiB); the request's and the log's copies go. Without the give-back the
        // node kept about three times the value resident for as long as it stayed quiet.
        long bound = before + ValueMiB * 3 / 2;
        long resident = peak;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (resident > bound && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            resident = Disk.DiskBlockCacheTests.ResidentMiB(node.Pid);
        }
        Assert.True(resident <= bound, $"resident {resident} MiB (started at {before}, {peak} after the SET), bound {bound}; INFO memory: {(await c.ReadValueAfterAsync("INFO", "memory")).AsString()}");
        Assert.Equal(ValueMiB << 20, (await c.ReadValueAfterAsync("STRLEN", "big")).AsInteger());
    }

    /// <summary>A value past the buffers a session keeps, written while keys with an expiry exist (the disk engine then reads what it replaces), over and over.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task Large_values_written_beside_keys_with_an_expiry_read_back(string engine)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("OK", (await c.ReadValueAfterAsync("SET", "short", "x", "EX", "1000")).AsString());
        for (int i = 0; i < 3; i++)
        {
            string value = new((char)('a' + i), (2 << 20) + i);
            string[] set = i == 1 ? ["SET", "large", value, "EX", "1000"] : ["SET", "large", value, "KEEPTTL"];
            Assert.Equal("OK", (await c.ReadValueAfterAsync(set)).AsString());
            Assert.Equal(value, (await c.ReadValueAfterAsync("GET", "large")).AsString());
        }
        Assert.Equal(2, (await c.ReadValueAfterAsync("DBSIZE")).AsInteger());
        Assert.DoesNotContain("internal error", node.Output);
    }
}
