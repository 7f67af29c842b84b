using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Istore.Net.Client;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// The per-shard steps of a cross-shard recall on a real node: RL.WINDOW (window rows in weighted
/// order, offset, count, MIN), RL.WINDOWSCORE (scores inside the DEPTH window only, ties cut by
/// member order), RL.EXCLUDED (sets, ranklists, bloom filters, missing keys, WRONGTYPE even with
/// no members), RL.PARTIAL (a shard's partial aggregate: TOP, ABOVE, SCORES), RESP3 doubles, and
/// bad input refused without touching data.
/// </summary>
public abstract class RankListRecallPartsTests(NodeFixture fixture)
{
    [Fact]
    public async Task Window_reads_rows_in_contribution_order()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RL.ADD", "rp:l", "5", "a", "3", "b", "3", "c", "1", "d", "-inf", "e");
        // Rank order: a 5, b 3, c 3 (tie by member), d 1, e -inf; DEPTH 4 drops e.
        Assert.Equal("*2\r\n:4\r\n*8\r\n$1\r\na\r\n$1\r\n5\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n1\r\n",
            await c.CommandAsync("RL.WINDOW", "rp:l", "2", "4", "0", "10"));
        // A negative weight reads the window bottom up: d (-1), c (-3), b (-3), a (-5).
        Assert.Equal("*2\r\n:4\r\n*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n3\r\n",
            await c.CommandAsync("RL.WINDOW", "rp:l", "-1", "4", "1", "2"));
        // MIN stops before the first contribution below it: 2 × score ≥ 6 keeps a, b, c.
        Assert.Equal("*2\r\n:5\r\n*4\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\n3\r\n",
            await c.CommandAsync("RL.WINDOW", "rp:l", "2", "100", "1", "100", "MIN", "6"));
        Assert.Equal("*2\r\n:5\r\n*2\r\n$1\r\ne\r\n$4\r\n-inf\r\n", await c.CommandAsync("RL.WINDOW", "rp:l", "-1", "100", "0", "1"));
        Assert.Equal("*2\r\n:5\r\n*0\r\n", await c.CommandAsync("RL.WINDOW", "rp:l", "1", "100", "7", "3"));
        Assert.Equal("*2\r\n:0\r\n*0\r\n", await c.CommandAsync("RL.WINDOW", "rp:missing", "1", "10", "0", "3"));
        // A zero weight contributes 0 everywhere: MIN 0 keeps all, MIN 1 none.
        Assert.Equal("*2\r\n:2\r\n*0\r\n", await c.CommandAsync("RL.WINDOW", "rp:l", "0", "2", "0", "5", "MIN", "1"));
        Assert.StartsWith("%", await c.CommandAsync("HELLO", "3"));
        Assert.Equal("*2\r\n:5\r\n*2\r\n$1\r\na\r\n,5\r\n", await c.CommandAsync("RL.WINDOW", "rp:l", "1", "9", "0", "1"));
    }

    [Fact]
    public async Task Window_scores_count_only_members_inside_the_depth()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RL.ADD", "rp:s", "5", "a", "3", "b", "3", "c", "1", "d");
        Assert.Equal("*4\r\n$1\r\n5\r\n$1\r\n3\r\n$-1\r\n$-1\r\n", await c.CommandAsync("RL.WINDOWSCORE", "rp:s", "2", "a", "b", "c", "zz"));
        Assert.Equal("*2\r\n$1\r\n3\r\n$1\r\n1\r\n", await c.CommandAsync("RL.WINDOWSCORE", "rp:s", "100", "c", "d"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("RL.WINDOWSCORE", "rp:missing", "3", "a"));
    }

    [Fact]
    public async Task Excluded_tests_sets_ranklists_and_bloom_filters()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SADD", "rp:set", "a");
        await c.CommandAsync("RL.ADD", "rp:rl", "1", "b");
        await c.CommandAsync("BF.ADD", "rp:bf", "c");
        await c.CommandAsync("SET", "rp:str", "v");
        Assert.Equal("*2\r\n:1\r\n:0\r\n", await c.CommandAsync("RL.EXCLUDED", "rp:set", "a", "b"));
        Assert.Equal("*2\r\n:0\r\n:1\r\n", await c.CommandAsync("RL.EXCLUDED", "rp:rl", "a", "b"));
        Assert.Equal("*2\r\n:1\r\n:0\r\n", await c.CommandAsync("RL.EXCLUDED", "rp:bf", "c", "never-added"));
        Assert.Equal("*1\r\n:0\r\n", await c.CommandAsync("RL.EXCLUDED", "rp:missing", "a"));
        Assert.Equal("*0\r\n", await c.CommandAsync("RL.EXCLUDED", "rp:set"));
        Assert.StartsWith("-WRONGTYPE", await c.CommandAsync("RL.EXCLUDED", "rp:str"));
        Assert.StartsWith("-WRONGTYPE", await c.CommandAsync("RL.WINDOW", "rp:str", "1", "1", "0", "1"));
        Assert.StartsWith("-WRONGTYPE", await c.CommandAsync("RL.WINDOWSCORE", "rp:set", "1", "a"));
    }

    [Fact]
    public async Task Partial_aggregates_only_the_lists_named()
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", fixture.Node.Port);
        await c.ExecuteAsync("RL.ADD", "{rp}p1", "5", "a", "3", "b", "1", "c");
        await c.ExecuteAsync("RL.ADD", "{rp}p2", "4", "b", "2", "d");
        async Task<string> Partial(string tail) => Rows(await c.ExecuteAsync([.. ("RL.PARTIAL 2 {rp}p1 1 {rp}p2 2 " + tail).Split(' ')]));
        // Partials: b 3 + 2×4 = 11, a 5, d 4, c 1 — each row with its score in each list (- : not in it).
        Assert.Equal("nonneg complete=0 b:3,4 a:5,-", await Partial("100 SUM TOP 2"));
        Assert.Equal("nonneg complete=1 b:3,4 a:5,- d:-,2 c:1,-", await Partial("100 SUM TOP 9"));
        // ABOVE: every member whose partial reaches min, in no order; complete only when that is all of them.
        Assert.Equal("nonneg complete=0 a:5,- b:3,4 d:-,2", Sorted(await Partial("100 SUM ABOVE 4")));
        Assert.Equal("nonneg complete=1 a:5,- b:3,4 c:1,- d:-,2", Sorted(await Partial("100 SUM ABOVE 0")));
        // MAX: b's partial is max(3, 8) = 8; DEPTH 1 keeps only a in p1 and b in p2.
        Assert.Equal("nonneg complete=0 b:-,4", await Partial("1 MAX TOP 1"));
        // SCORES: the window scores of the members asked for, whether or not any list holds them.
        Assert.Equal("nonneg complete=1 d:-,2 c:-,- zz:-,-", await Partial("2 SUM SCORES d c zz"));
        // A negative contribution anywhere in a window is reported (weight -1: c, at -1, is the best); missing lists are empty.
        Assert.Equal("negative complete=0 c:1,-", Rows(await c.ExecuteAsync("RL.PARTIAL", "2", "{rp}p1", "-1", "{rp}none", "1", "9", "SUM", "TOP", "1")));
        Assert.Equal("nonneg complete=1", Rows(await c.ExecuteAsync("RL.PARTIAL", "1", "{rp}none", "1", "9", "SUM", "TOP", "1"), lists: 1));
    }

    [Fact]
    public async Task Partial_above_after_top_sees_writes_made_in_between()
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", fixture.Node.Port);
        await c.ExecuteAsync("RL.ADD", "{rq}p1", "5", "a", "3", "b", "1", "c");
        await c.ExecuteAsync("RL.ADD", "{rq}p2", "4", "b", "2", "d");
        async Task<string> Partial(string tail) => Sorted(Rows(await c.ExecuteAsync([.. ("RL.PARTIAL 2 {rq}p1 1 {rq}p2 2 " + tail).Split(' ')])));
        // The node may keep TOP's merge for the ABOVE of the same recall: each write below must be seen.
        Assert.Equal("nonneg complete=0 b:3,4", await Partial("100 SUM TOP 1"));
        await c.ExecuteAsync("RL.ADD", "{rq}p1", "20", "c");
        Assert.Equal("nonneg complete=0 b:3,4 c:20,-", await Partial("100 SUM ABOVE 11"));
        await c.ExecuteAsync("RL.REM", "{rq}p1", "c");
        Assert.Equal("nonneg complete=0 b:3,4", await Partial("100 SUM ABOVE 11"));
        await c.ExecuteAsync("DEL", "{rq}p2");
        await c.ExecuteAsync("RL.ADD", "{rq}p2", "1", "a");
        Assert.Equal("nonneg complete=0 a:5,1", await Partial("100 SUM ABOVE 6"));
        await c.ExecuteAsync("RL.ADD", "{rq}p1", "MAXLEN", "1", "9", "e");
        Assert.Equal("nonneg complete=1 a:-,1 e:9,-", await Partial("100 SUM ABOVE 0"));
    }

    /// <summary>RL.PARTIAL's reply in words, its binary rows decoded here (length, member, then per list a flag and a little-endian double).</summary>
    private static string Rows(RespValue reply, int lists = 2)
    {
        var words = new List<string> { reply[0].AsInteger() == 1 ? "nonneg" : "negative", $"complete={reply[1].AsInteger()}" };
        var rows = reply[2].AsBytes()!.AsSpan();
        while (!rows.IsEmpty)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(rows);
            string member = Encoding.UTF8.GetString(rows.Slice(4, length));
            rows = rows[(4 + length)..];
            var scores = new List<string>();
            while (scores.Count < lists)
            {
                if (rows[0] == 0)
                {
                    scores.Add("-");
                    rows = rows[1..];
                    continue;
                }
                scores.Add(BinaryPrimitives.ReadDoubleLittleEndian(rows[1..]).ToString(CultureInfo.InvariantCulture));
                rows = rows[9..];
            }
            words.Add($"{member}:{string.Join(',', scores)}");
        }
        return string.Join(' ', words);
    }

    private static string Sorted(string rows) => string.Join(' ', rows.Split(' ').Take(2).Concat(rows.Split(' ').Skip(2).Order(StringComparer.Ordinal)));

    [Fact]
    public async Task Bad_input_is_refused()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RL.ADD", "rp:b", "1", "a");
        Assert.Equal("-ERR weight value is not a float\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "x", "1", "0", "1"));
        Assert.Equal("-ERR DEPTH must be positive\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "0", "0", "1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "1", "x", "1"));
        Assert.Equal("-ERR offset and count must not be negative\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "1", "-1", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "1", "0", "1", "MAX", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "1", "0", "1", "MIN"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.WINDOW", "rp:b", "1", "1", "0", "1", "MIN", "nan"));
        Assert.Equal("-ERR DEPTH must be positive\r\n", await c.CommandAsync("RL.WINDOWSCORE", "rp:b", "-3", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'rl.windowscore' command\r\n", await c.CommandAsync("RL.WINDOWSCORE", "rp:b", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'rl.excluded' command\r\n", await c.CommandAsync("RL.EXCLUDED"));
        await c.CommandAsync("SET", "{rp}str", "v");
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.PARTIAL", "2", "rp:b", "1", "9", "SUM", "TOP", "1"));
        Assert.Equal("-ERR weight value is not a float\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "w", "9", "SUM", "TOP", "1"));
        Assert.Equal("-ERR DEPTH must be positive\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "0", "SUM", "TOP", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "MIN", "TOP", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "SUM", "BEST", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "SUM", "TOP", "1", "2"));
        Assert.Equal("-ERR count must be between 1 and 100000\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "SUM", "TOP", "0"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "SUM", "ABOVE", "x"));
        Assert.StartsWith("-WRONGTYPE", await c.CommandAsync("RL.PARTIAL", "1", "{rp}str", "1", "9", "SUM", "TOP", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'rl.partial' command\r\n", await c.CommandAsync("RL.PARTIAL", "1", "rp:b", "1", "9", "SUM"));
        Assert.Equal("*1\r\n$1\r\n1\r\n", await c.CommandAsync("RL.SCORE", "rp:b", "a"));
    }
}

public sealed class RankListRecallPartsTestsOnMemory(NodeFixture fixture) : RankListRecallPartsTests(fixture), IClassFixture<NodeFixture>;

public sealed class RankListRecallPartsTestsOnDisk(DiskNodeFixture fixture) : RankListRecallPartsTests(fixture), IClassFixture<DiskNodeFixture>;
