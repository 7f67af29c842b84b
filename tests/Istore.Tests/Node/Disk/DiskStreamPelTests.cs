using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// A consumer group with 50,000 pending entries on the disk engine (its PEL is about a megabyte):
/// XACK, XCLAIM, XAUTOCLAIM, XPENDING's forms and XREADGROUP on a few entries answer right and each
/// reads and writes a few kilobytes at most (INFO's disk_engine_bytes_read and disk_engine_wal_bytes),
/// not the PEL; the result survives kill -9.
/// </summary>
public class DiskStreamPelTests
{
    private const int Entries = 50_000;

    /// <summary>Far below the PEL's size (~25 bytes an entry), well above what a few entries and the group record take.</summary>
    private const long Budget = 16 * 1024;

    [Fact]
    public async Task Commands_on_a_few_entries_of_a_large_pel_touch_only_those_entries()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--appendfsync", "always"]);
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "pel", "g", "$", "MKSTREAM"));
        for (int from = 1; from <= Entries; from += 1000)
        {
            for (int i = from; i < from + 1000; i++)
                await c.SendCommandAsync("XADD", "pel", $"{i}-0", "f", "v");
            for (int i = from; i < from + 1000; i++)
                Assert.Equal($"${i.ToString().Length + 2}\r\n{i}-0\r\n", await c.ReadFrameAsync());
        }
        var delivered = await c.ReadValueAfterAsync("XREADGROUP", "GROUP", "g", "alice", "COUNT", $"{Entries}", "STREAMS", "pel", ">");
        Assert.Equal(Entries, delivered[0][1].Items.Count);

        async Task<string> CheapAsync(params string[] command)
        {
            var (readBefore, walBefore) = await CostsAsync(c);
            string reply = await c.CommandAsync(command);
            var (readAfter, walAfter) = await CostsAsync(c);
            Assert.True(readAfter - readBefore < Budget, $"{string.Join(' ', command)} read {readAfter - readBefore} bytes");
            Assert.True(walAfter - walBefore < Budget, $"{string.Join(' ', command)} wrote {walAfter - walBefore} bytes");
            return reply;
        }

        Assert.Equal(":1\r\n", await CheapAsync("XACK", "pel", "g", "25000-0"));
        Assert.Equal(":0\r\n", await CheapAsync("XACK", "pel", "g", "25000-0"));
        Assert.Equal("*1\r\n$7\r\n30000-0\r\n", await CheapAsync("XCLAIM", "pel", "g", "bob", "0", "30000-0", "JUSTID"));
        Assert.Equal("*3\r\n$7\r\n45002-0\r\n*2\r\n$7\r\n45000-0\r\n$7\r\n45001-0\r\n*0\r\n",
            await CheapAsync("XAUTOCLAIM", "pel", "g", "carol", "0", "45000-0", "COUNT", "2", "JUSTID"));
        Assert.Equal("$7\r\n50001-0\r\n", await CheapAsync("XADD", "pel", "50001-0", "f", "v"));
        Assert.Equal("*1\r\n*2\r\n$3\r\npel\r\n*1\r\n*2\r\n$7\r\n50001-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
            await CheapAsync("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "pel", ">"));
        Assert.Matches(@"^\*2\r\n\*4\r\n\$7\r\n40000-0\r\n\$5\r\nalice\r\n:\d+\r\n:1\r\n\*4\r\n\$7\r\n40001-0\r\n\$5\r\nalice\r\n:\d+\r\n:1\r\n$",
            await CheapAsync("XPENDING", "pel", "g", "40000-0", "+", "2"));
        Assert.Matches(@"^\*2\r\n\*4\r\n\$7\r\n30000-0\r\n\$3\r\nbob\r\n:\d+\r\n:1\r\n\*4\r\n\$7\r\n50001-0\r\n\$3\r\nbob\r\n:\d+\r\n:1\r\n$",
            await CheapAsync("XPENDING", "pel", "g", "-", "+", "10", "bob"));
        Assert.StartsWith("*1\r\n*2\r\n$3\r\npel\r\n*2\r\n*2\r\n$7\r\n30000-0\r\n",
            await CheapAsync("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "pel", "0"));

        static async Task<string> SummaryAsync(RawConnection c) => await c.CommandAsync("XPENDING", "pel", "g");
        string summary = await CheapAsync("XPENDING", "pel", "g");
        Assert.Equal("*4\r\n:50000\r\n$3\r\n1-0\r\n$7\r\n50001-0\r\n*3\r\n*2\r\n$5\r\nalice\r\n$5\r\n49996\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n2\r\n", summary);
        await node.AssertSurvivesKillAndRestartAsync(SummaryAsync, summary);
        await using var after = await node.ConnectAsync();
        Assert.Equal(":1\r\n", await after.CommandAsync("XACK", "pel", "g", "45001-0"));
        Assert.StartsWith("*1\r\n*4\r\n$7\r\n45000-0\r\n$5\r\ncarol\r\n", await after.CommandAsync("XPENDING", "pel", "g", "-", "+", "10", "carol"));
    }

    private static async Task<(long Read, long Written)> CostsAsync(RawConnection c)
    {
        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        return (long.Parse(info["disk_engine_bytes_read"]), long.Parse(info["disk_engine_wal_bytes"]));
    }
}
