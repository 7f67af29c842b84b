using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

public sealed class AtomicVisibilityTestsOnMemory() : AtomicVisibilityTests("memory");
public sealed class AtomicVisibilityTestsOnDisk() : AtomicVisibilityTests("disk");

/// <summary>
/// String reads take no lock, yet on other event loops they must never see an atomic write half
/// applied: while one client sets two keys to the same number with MSET (and with MULTI … EXEC),
/// readers on both loops see the two keys equal in every MGET, EXISTS never counts one of a pair
/// a multi-key DEL is removing, and a GET of the second key after one of the first is never behind.
/// </summary>
public abstract class AtomicVisibilityTests(string engine)
{
    private const int Writes = 3_000;

    [Fact]
    public async Task Readers_on_other_loops_never_see_mset_exec_or_del_half_applied()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--threads", "2"]);
        await using (var setup = await node.ConnectAsync())
            await setup.CommandAsync("MSET", "av:a", "0", "av:b", "0");
        await using var writer = await node.ConnectAsync();
        await ConcurrentReaders.RunAsync(node, 4, CheckAsync, async () =>
        {
            for (int i = 1; i <= Writes; i++)
            {
                string n = i.ToString();
                if (i % 3 == 0)
                {
                    await writer.SendAsync(RespEncoding.CommandText(System.Text.Encoding.ASCII, "MULTI")
                        + RespEncoding.CommandText(System.Text.Encoding.ASCII, "SET", "av:a", n)
                        + RespEncoding.CommandText(System.Text.Encoding.ASCII, "SET", "av:b", n)
                        + RespEncoding.CommandText(System.Text.Encoding.ASCII, "EXEC"));
                    for (int r = 0; r < 4; r++)
                        await writer.ReadFrameAsync();
                }
                else
                {
                    Assert.Equal("+OK\r\n", await writer.CommandAsync("MSET", "av:a", n, "av:b", n));
                }
                Assert.Equal("+OK\r\n", await writer.CommandAsync("MSET", "av:x", n, "av:y", n));
                Assert.Equal(":2\r\n", await writer.CommandAsync("DEL", "av:x", "av:y"));
            }
        });
    }

    private static async Task CheckAsync(RawConnection c)
    {
        string pair = await c.CommandAsync("MGET", "av:a", "av:b");
        var lines = pair.Split("\r\n");
        Assert.True(lines[2] == lines[4], "MGET saw an atomic write half applied: " + pair.Replace("\r\n", " "));
        string exists = await c.CommandAsync("EXISTS", "av:x", "av:y");
        Assert.True(exists is ":0\r\n" or ":2\r\n", "EXISTS saw a MSET or DEL of a pair half applied: " + exists);
        long first = long.Parse((await c.ReadValueAfterAsync("GET", "av:a")).AsString()!);
        long second = long.Parse((await c.ReadValueAfterAsync("GET", "av:b")).AsString()!);
        Assert.True(second >= first, $"GET av:b gave {second} after GET av:a gave {first}");
    }
}
