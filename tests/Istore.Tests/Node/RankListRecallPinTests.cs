using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// RL.RECALL merges without the keyspace lock. The memory engine pins the lists it reads, and a
/// writer that changes one of them meanwhile changes a copy; the disk engine reads them at a
/// RocksDB snapshot. So writes go on during a long recall, the recall answers for its lists as
/// they were when it began, and on memory no member is released early or twice (INFO's
/// ranklist_members comes back to 0 when the lists go).
/// </summary>
public class RankListRecallPinTests
{
    private const int Lists = 8, Entries = 100_000;

    private static readonly string[] ListKeys = Enumerable.Range(0, Lists).Select(j => $"pin:l{j}").ToArray();

    private static string[] RecallCommand(params string[] tail) =>
        ["RL.RECALL", "10", "LISTS", Lists.ToString(), .. ListKeys.SelectMany(key => new[] { key, "1" }), .. tail];

    private static async Task FillAsync(RawConnection c)
    {
        const int PerCommand = 2_000;
        int commands = 0;
        for (int j = 0; j < Lists; j++)
        {
            for (int first = 0; first < Entries; first += PerCommand)
            {
                var add = new List<string> { "RL.ADD", ListKeys[j] };
                for (int i = first; i < first + PerCommand; i++)
                    add.AddRange([((i * (j + 7L)) % 100_003).ToString(), $"m{i}"]);
                await c.SendCommandAsync([.. add]);
                commands++;
            }
        }
        for (int i = 0; i < commands; i++)
            Assert.StartsWith(":", await c.ReadFrameAsync(TimeSpan.FromSeconds(60)));
    }

    private static Task<NodeProcess> StartAsync(string engine) => NodeProcess.StartAsync(["--engine", engine]);

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task Writes_go_on_while_a_recall_merges(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var recaller = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await FillAsync(writer);
        var ratios = new List<double>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var recallClock = System.Diagnostics.Stopwatch.StartNew();
            await recaller.SendCommandAsync(RecallCommand());
            await Task.Delay(2);
            var writeClock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(":1\r\n", await writer.CommandAsync("RL.ADD", "pin:elsewhere", "1", $"late{attempt}"));
            Assert.Equal("+OK\r\n", await writer.CommandAsync("SET", "pin:other", attempt.ToString()));
            double write = writeClock.Elapsed.TotalMilliseconds;
            Assert.StartsWith("*10\r\n", await recaller.ReadFrameAsync(TimeSpan.FromSeconds(30)));
            ratios.Add(write / recallClock.Elapsed.TotalMilliseconds);
        }
        ratios.Sort();
        // Were the writes waiting for the merge, each would take most of the recall's time.
        Assert.True(ratios[ratios.Count / 2] < 0.5, "writes waited for the recall: write/recall time " + string.Join(", ", ratios.Select(r => r.ToString("F2"))));
        Assert.Equal($"$1\r\n4\r\n", await writer.CommandAsync("GET", "pin:other"));
    }

    /// <summary>
    /// A writer that meets a pinned list hands it over to a copy that takes the list's member
    /// references instead of one more each; a member that copy lets go while the recall still reads
    /// the original keeps its id until the recall ends, so a new member does not take that id and
    /// appear in the recall's answer under the old one's score.
    /// </summary>
    [Fact]
    public async Task A_member_removed_during_a_recall_keeps_its_id_until_the_recall_ends()
    {
        await using var node = await StartAsync("memory");
        await using var recaller = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await FillAsync(writer);
        Assert.Equal(":1\r\n", await writer.CommandAsync("RL.ADD", ListKeys[0], "1e9", "solo"));
        string[] recall = RecallCommand("WITHSCORES");
        string before = await writer.CommandAsync(recall);
        Assert.Contains("$4\r\nsolo\r\n", before);
        long members = await RankListReleaseTests.MembersAsync(writer);
        string[] newcomers = [.. Enumerable.Range(0, 50).SelectMany(i => new[] { "1e10", $"new{i}" })];
        for (int attempt = 0; attempt < 3; attempt++)
        {
            await recaller.SendCommandAsync(recall);
            await Task.Delay(2);
            Assert.Equal(":1\r\n", await writer.CommandAsync("RL.REM", ListKeys[0], "solo"));
            Assert.Equal(":50\r\n", await writer.CommandAsync(["RL.ADD", "pin:newcomers", .. newcomers]));
            string during = await recaller.ReadFrameAsync(TimeSpan.FromSeconds(30));
            string after = await writer.CommandAsync(recall);
            Assert.True(during == before || during == after, $"a recall named a member it never read:\n{during}\nbefore:\n{before}\nafter:\n{after}");
            Assert.Equal(":1\r\n", await writer.CommandAsync("DEL", "pin:newcomers"));
            Assert.Equal(":1\r\n", await writer.CommandAsync("RL.ADD", ListKeys[0], "1e9", "solo"));
        }
        Assert.Equal(members, await RankListReleaseTests.MembersAsync(writer));
        Assert.Equal($":{Lists}\r\n", await writer.CommandAsync(["DEL", .. ListKeys]));
        Assert.Equal(0, await RankListReleaseTests.MembersAsync(writer));
    }

    /// <summary>
    /// A shutdown right after many writes, with recalls under way: the disk node crashed on its way
    /// out (exit 139) when a compaction still running called its filter, which read through column
    /// family handles already freed; and a recall's merge reads the engine without the lock, so the
    /// engine closes only once it is done.
    /// </summary>
    [Fact]
    public async Task A_disk_node_shut_down_while_recalls_merge_exits_cleanly()
    {
        var node = await StartAsync("disk");
        await using (node)
        {
            await using var recaller = await node.ConnectAsync();
            await using var writer = await node.ConnectAsync();
            await FillAsync(writer);
            for (int i = 0; i < 4; i++)
                await recaller.SendCommandAsync(RecallCommand());
            await Task.Delay(100);
            int exit = await node.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"exit {exit}:\n{node.Output}");
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_recall_answers_for_its_lists_as_they_were_and_members_are_released_once(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var recaller = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        await FillAsync(writer);
        Assert.Equal(":2\r\n", await writer.CommandAsync("RL.ADD", "pin:ex", "1", "m0", "1", "m1"));
        string[] recall = RecallCommand("EXCLUDE", "1", "pin:ex", "WITHSCORES");
        string before = await writer.CommandAsync(recall);
        bool interned = engine == "memory";   // the disk engine interns per recall: no database table to count
        long members = interned ? await RankListReleaseTests.MembersAsync(writer) : 0;

        // One atomic change to what the recall reads: a new best member, a list gone, the exclusion grown.
        string top = (await writer.ReadValueAfterAsync("RL.RANGE", ListKeys[2], "0", "0")).AsStringArray()[0]!;
        await recaller.SendCommandAsync(recall);
        Assert.Equal("+OK\r\n", await writer.CommandAsync("MULTI"));
        await writer.CommandAsync("RL.ADD", ListKeys[0], "1e9", "best");
        await writer.CommandAsync("DEL", ListKeys[1]);
        await writer.CommandAsync("RL.ADD", "pin:ex", "1", top);
        Assert.Equal("*3\r\n:1\r\n:1\r\n:1\r\n", await writer.CommandAsync("EXEC"));
        string during = await recaller.ReadFrameAsync(TimeSpan.FromSeconds(30));
        string after = await writer.CommandAsync(recall);
        Assert.NotEqual(before, after);
        Assert.True(during == before || during == after, $"a recall saw its lists half changed:\n{during}\nbefore:\n{before}\nafter:\n{after}");

        // Copies share the members; once the lists go, every member is released exactly once.
        if (interned)
            Assert.Equal(members + 1, await RankListReleaseTests.MembersAsync(writer));   // "best"
        Assert.Equal($":{Lists}\r\n", await writer.CommandAsync(["DEL", .. ListKeys, "pin:ex"]));   // all but the one deleted, and pin:ex
        if (interned)
            Assert.Equal(0, await RankListReleaseTests.MembersAsync(writer));
        Assert.Equal("+PONG\r\n", await writer.CommandAsync("PING"));
    }
}
