using System.Globalization;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Disk-engine ranklists and bloom filters under kill -9 while writes are in flight (every
/// acknowledged write is there after the restart: the loss is counted and must be 0), and a
/// ranklist many times larger than the block cache, read by rank, score and recall.
/// </summary>
public class DiskRankListCrashTests
{
    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Acknowledged_ranklist_and_bloom_writes_survive_kill_9_mid_stream()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--appendfsync", "always"]);
        var acknowledged = new List<(int Writer, int Index)>[2];
        long sent = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(writer => Task.Run(async () =>
        {
            var acked = acknowledged[writer] = [];
            await using var c = await node.ConnectAsync();
            try
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    Interlocked.Increment(ref sent);
                    // One ranklist entry and one bloom item per write; a MAXLEN far above the count keeps every entry.
                    if (await c.CommandAsync("RL.ADD", "crash:rl", "MAXLEN", "1000000", F(i * 0.5), $"w{writer}:{i}") != ":1\r\n")
                        break;
                    if (await c.CommandAsync("BF.ADD", "crash:bf", $"w{writer}:{i}") is not (":1\r\n" or ":0\r\n"))
                        break;
                    acked.Add((writer, i));
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or TimeoutException)
            {
                // the node was killed under this writer
            }
        })).ToArray();
        await Task.Delay(1500);
        node.Kill();
        stop.Cancel();
        await Task.WhenAll(writers);

        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        var all = acknowledged.SelectMany(list => list).ToList();
        Assert.True(all.Count > 50, $"only {all.Count} writes were acknowledged before the kill");
        int lost = 0, bloomLost = 0;
        foreach (var chunk in all.Chunk(500))
        {
            var scores = (await check.ReadValueAfterAsync(["RL.SCORE", "crash:rl", .. chunk.Select(w => $"w{w.Writer}:{w.Index}")])).Items;
            var present = (await check.ReadValueAfterAsync(["BF.MEXISTS", "crash:bf", .. chunk.Select(w => $"w{w.Writer}:{w.Index}")])).Items;
            for (int i = 0; i < chunk.Length; i++)
            {
                lost += scores[i].AsString() == F(chunk[i].Index * 0.5) ? 0 : 1;
                bloomLost += present[i].AsInteger() == 1 ? 0 : 1;
            }
        }
        Assert.True(lost == 0 && bloomLost == 0, $"{lost} ranklist entries and {bloomLost} bloom items of {all.Count} acknowledged writes lost");
        long card = (await check.ReadValueAfterAsync("RL.CARD", "crash:rl")).AsInteger();
        Assert.InRange(card, all.Count, Interlocked.Read(ref sent));
    }

    [Fact]
    public async Task A_ranklist_larger_than_the_block_cache_answers_ranks_scores_and_recalls()
    {
        const int members = 150_000;
        await using var node = await NodeProcess.StartAsync(["--engine", "disk", "--rocksdb-block-cache", "1mb", "--rocksdb-write-buffer", "1mb"]);
        await using var c = await node.ConnectAsync();
        // Scores in a scrambled order: member i scores (i * 7919) % members, so ranks are known.
        for (int first = 0; first < members; first += 2000)
        {
            var args = new List<string> { "RL.ADD", "big:rl" };
            for (int i = first; i < first + 2000; i++)
                args.AddRange([((long)i * 7919 % members).ToString(), $"member:{i:D6}"]);
            Assert.Equal(":2000\r\n", await c.CommandAsync([.. args]));
        }
        // A small second list: the members i ≡ 999 (mod 1000), all at 100000.
        Assert.Equal(":150\r\n", await c.CommandAsync(["RL.ADD", "big:rl2", .. Enumerable.Range(0, 150).SelectMany(k => new[] { "100000", $"member:{k * 1000 + 999:D6}" })]));
        var info = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        long stored = long.Parse(info["disk_engine_sst_bytes"]) + long.Parse(info["disk_engine_memtable_bytes"]);
        Assert.True(stored > 4 * long.Parse(info["disk_engine_block_cache_capacity"]), $"{stored} bytes stored: not larger than the cache");

        string Member(long score) => $"member:{Enumerable.Range(0, members).First(i => (long)i * 7919 % members == score):D6}";
        Assert.Equal($":{members}\r\n", await c.CommandAsync("RL.CARD", "big:rl"));
        var top = (await c.ReadValueAfterAsync("RL.RANGE", "big:rl", "0", "2", "WITHSCORES")).AsStringArray()!;
        Assert.Equal($"{Member(members - 1)} {members - 1} {Member(members - 2)} {members - 2} {Member(members - 3)} {members - 3}", string.Join(' ', top));
        Assert.Equal(Member(0), string.Join(' ', (await c.ReadValueAfterAsync("RL.RANGE", "big:rl", "-1", "-1")).AsStringArray()));
        Assert.Equal(":10\r\n", await c.CommandAsync("RL.RANK", "big:rl", Member(members - 11)));
        Assert.Equal($":{members - 6}\r\n", await c.CommandAsync("RL.RANK", "big:rl", Member(5)));
        Assert.Equal("*1\r\n$2\r\n42\r\n", await c.CommandAsync("RL.SCORE", "big:rl", Member(42)));
        // SUM within DEPTH 1000: a member's big:rl score counts only in that list's top 1000.
        var recall = (await c.ReadValueAfterAsync("RL.RECALL", "3", "LISTS", "2", "big:rl", "1", "big:rl2", "1", "DEPTH", "1000", "WITHSCORES")).AsStringArray()!;
        var expected = Enumerable.Range(0, members)
            .Select(i => (Member: $"member:{i:D6}", Score: ((long)i * 7919 % members >= members - 1000 ? (long)i * 7919 % members : 0) + (i % 1000 == 999 ? 100000 : 0)))
            .OrderByDescending(e => e.Score).ThenBy(e => e.Member, StringComparer.Ordinal).Take(3)
            .SelectMany(e => new[] { e.Member, e.Score.ToString() }).ToArray();
        Assert.Equal(string.Join(' ', expected), string.Join(' ', recall));
    }
}
