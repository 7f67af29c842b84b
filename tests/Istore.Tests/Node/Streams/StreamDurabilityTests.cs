using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// Streams with consumer groups survive kill -9 (log replay, with and without a checkpoint before
/// the tail) and a graceful stop (checkpoint): entries, IDs handed out by XADD *, trims, deletions,
/// group positions and read counters, every PEL entry with its owner, delivery time and count.
/// Group reads, claims and a blocked read served by another client's XADD are logged as their
/// effects, so the replay rebuilds exactly what clients saw. Consumers' seen times are not compared:
/// a consumer only created (XGROUP CREATECONSUMER) gets its replay's time, as on a Redis replica.
/// </summary>
public abstract class StreamDurabilityTests(string engine)
{
    private static readonly string[] Keys = ["sd:jobs", "sd:events", "sd:set"];
    private static readonly HashSet<string> Unstable = ["seen-time", "radix-tree-keys", "radix-tree-nodes"];

    internal static async Task<string> DumpAsync(RawConnection c)
    {
        var text = new StringBuilder();
        foreach (var key in Keys)
        {
            text.AppendLine(key + " " + await c.CommandAsync("TYPE", key));
            if ((await c.CommandAsync("EXISTS", key)) == ":1\r\n")
                text.AppendLine(MaskedReply.Render(await c.ReadValueAfterAsync("XINFO", "STREAM", key, "FULL", "COUNT", "0"), Unstable));
        }
        return text.ToString();
    }

    internal static async Task WriteAsync(NodeProcess node, RawConnection c, bool saveHalfway)
    {
        for (int i = 0; i < 260; i++)
            Assert.StartsWith("$", await c.CommandAsync("XADD", "sd:jobs", "MAXLEN", "~", "220", "*", "job", $"j{i}", "n", i.ToString()));
        Assert.Equal("$3\r\n5-0\r\n", await c.CommandAsync("XADD", "sd:events", "5-0", "kind", "start"));
        Assert.Equal("$3\r\n5-1\r\n", await c.CommandAsync("XADD", "sd:events", "5-*", "kind", "next"));
        Assert.Equal("$3\r\n9-0\r\n", await c.CommandAsync("XADD", "sd:events", "9", "kind", "later"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "sd:jobs", "workers", "0"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "sd:jobs", "audit", "$"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "sd:set", "g", "$", "MKSTREAM"));
        Assert.Equal(30, (await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "workers", "alice", "COUNT", "30", "STREAMS", "sd:jobs", ">"))[0][1].Count);
        if (saveHalfway)
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
        Assert.Equal(5, (await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "workers", "bob", "NOACK", "COUNT", "5", "STREAMS", "sd:jobs", ">"))[0][1].Count);
        var ids = (await c.ReadValueAfterAsync("XRANGE", "sd:jobs", "-", "+", "COUNT", "40")).Items.Select(e => e[0].AsString()!).ToArray();
        Assert.Equal(":3\r\n", await c.CommandAsync("XACK", "sd:jobs", "workers", ids[0], ids[1], ids[2]));
        Assert.Equal(1, (await c.ReadValueAfterAsync("XCLAIM", "sd:jobs", "workers", "carol", "0", ids[3], "IDLE", "5000")).Count);
        Assert.Equal(":1\r\n", await c.CommandAsync("XDEL", "sd:jobs", ids[4]));
        var autoclaim = await c.ReadValueAfterAsync("XAUTOCLAIM", "sd:jobs", "workers", "dave", "0", "0", "COUNT", "3");
        Assert.Equal(ids[4], Assert.Single(autoclaim[2].Items).AsString());
        // A history read delivers alice's entries again: their counts go up.
        Assert.True((await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "workers", "alice", "STREAMS", "sd:jobs", "0"))[0][1].Count > 20);
        Assert.Equal(":1\r\n", await c.CommandAsync("XGROUP", "CREATECONSUMER", "sd:jobs", "workers", "erin"));
        Assert.Equal(":1\r\n", await c.CommandAsync("XGROUP", "CREATECONSUMER", "sd:jobs", "workers", "temp"));
        Assert.Equal(":0\r\n", await c.CommandAsync("XGROUP", "DELCONSUMER", "sd:jobs", "workers", "temp"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "SETID", "sd:jobs", "audit", ids[10], "ENTRIESREAD", "11"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("XSETID", "sd:events", "20-0", "ENTRIESADDED", "10", "MAXDELETEDID", "7-0"));
        Assert.StartsWith(":", await c.CommandAsync("XTRIM", "sd:jobs", "MINID", "~", ids[20]));

        // A reader blocked on the group, served by another client's XADD.
        await using var waiter = await node.ConnectAsync();
        await waiter.SendCommandAsync("XREADGROUP", "GROUP", "g", "frank", "BLOCK", "0", "STREAMS", "sd:set", ">");
        await c.WaitForBlockedClientsAsync(1);
        Assert.Equal("$3\r\n1-1\r\n", await c.CommandAsync("XADD", "sd:set", "1-1", "item", "x"));
        Assert.Contains("item", await waiter.ReadFrameAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Streams_and_their_groups_survive_kill9_and_restart(bool saveHalfway)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine, "--appendfsync", "always"]);
        string before;
        await using (var c = await node.ConnectAsync())
        {
            await WriteAsync(node, c, saveHalfway);
            before = await DumpAsync(c);
        }
        Assert.Contains("frank", before);
        await node.AssertSurvivesKillAndRestartAsync(DumpAsync, before);
        // Every logged stream record replayed cleanly (none answered an error); the disk engine has no log of its own to replay.
        Assert.DoesNotContain("replayed log commands answered an error", node.Output);
        if (engine == "memory")
            Assert.Contains("log records replayed", node.Output);

        await using var check = await node.ConnectAsync();
        // The recovered streams go on: new IDs above the last ones, the group reads on from where it was.
        var last = (await check.ReadValueAfterAsync("XREVRANGE", "sd:jobs", "+", "-", "COUNT", "1"))[0][0].AsString()!;
        var added = (await check.ReadValueAfterAsync("XADD", "sd:jobs", "*", "job", "after")).AsString()!;
        Assert.True(CompareIds(added, last) > 0, $"{added} after {last}");
        Assert.Equal("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", await check.CommandAsync("XADD", "sd:events", "20-0", "k", "v"));
        var next = await check.ReadValueAfterAsync("XREADGROUP", "GROUP", "g", "frank", "STREAMS", "sd:set", ">");
        Assert.True(next.IsNull, "the blocked read's entry was delivered before the crash");
    }

    private static int CompareIds(string a, string b)
    {
        var x = a.Split('-').Select(ulong.Parse).ToArray();
        var y = b.Split('-').Select(ulong.Parse).ToArray();
        return x[0] != y[0] ? x[0].CompareTo(y[0]) : x[1].CompareTo(y[1]);
    }
}
