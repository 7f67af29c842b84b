using System.Globalization;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine's ranklists and bloom filters against the memory engine's, reply for reply: a
/// seeded random run of RL.ADD (NX, XX, GT, LT, MAXLEN), RL.INCRBY, RL.REM, RL.TRIM, BF.MADD,
/// SADD, COPY, RENAME, EXPIRE and DEL, each followed by reads (RL.RANGE, RL.RANGEBYSCORE with
/// LIMIT, RL.RANK, RL.SCORE, RL.CARD, TYPE, BF.MEXISTS, BF.INFO) and RL.RECALL with every option
/// (SUM and MAX, negative and zero weights, DEPTH, EXCLUDE of sets, ranklists, bloom filters and
/// missing keys, WITHSCORES, missing lists, RESP2 and RESP3) sent to both nodes.
/// </summary>
public class DiskRankListOracleTests(NodeFixture memory, DiskNodeFixture disk) : IClassFixture<NodeFixture>, IClassFixture<DiskNodeFixture>
{
    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static readonly string[] Lists = ["o:l0", "o:l1", "o:l2", "o:l3"];
    internal static readonly string[] Exclusions = ["o:set", "o:bf", "o:l3", "o:none"];

    [Theory]
    [InlineData(2, 11)]
    [InlineData(3, 12)]
    public async Task Random_writes_reads_and_recalls_answer_as_on_the_memory_engine(int protocol, int seed)
    {
        await using var m = await memory.ConnectAsync();
        await using var d = await disk.ConnectAsync();
        var random = new Random(seed);
        var all = Lists.Concat(Exclusions).Append("o:copy").ToArray();
        await SameAsync(m, d, ["DEL", .. all]);
        await SameAsync(m, d, ["HELLO", protocol.ToString()]);
        for (int step = 0; step < 400; step++)
        {
            await SameAsync(m, d, RandomWrite(random));
            string list = Lists[random.Next(Lists.Length)];
            int start = random.Next(-6, 6), stop = random.Next(-6, 30);
            await SameAsync(m, d, ["RL.RANGE", list, start.ToString(), stop.ToString(), .. random.Next(2) == 0 ? ["WITHSCORES"] : Array.Empty<string>()]);
            await SameAsync(m, d, ["RL.RANGEBYSCORE", list, Bound(random, "+inf"), Bound(random, "-inf"), "WITHSCORES", "LIMIT", random.Next(-1, 4).ToString(), random.Next(-1, 8).ToString()]);
            await SameAsync(m, d, ["RL.RANK", list, Member(random)]);
            await SameAsync(m, d, ["RL.SCORE", list, Member(random), Member(random)]);
            await SameAsync(m, d, ["RL.CARD", list]);
            await SameAsync(m, d, ["TYPE", list]);
            await SameAsync(m, d, ["BF.MEXISTS", "o:bf", Member(random), Member(random)]);
            await SameAsync(m, d, RandomRecall(random));
        }
        await SameAsync(m, d, ["BF.INFO", "o:bf"]);
        await SameAsync(m, d, ["OBJECT", "ENCODING", "o:l0"]);
        await SameAsync(m, d, ["DBSIZE"]);
    }

    private static string Member(Random random) => $"m{random.Next(40)}";

    /// <summary>A score bound: a half-step value, exclusive or not, or the given infinity.</summary>
    private static string Bound(Random random, string infinity) => random.Next(5) switch
    {
        0 => infinity,
        1 => "(" + F(random.Next(-8, 9) / 2.0),
        _ => F(random.Next(-8, 9) / 2.0),
    };

    internal static string[] RandomWrite(Random random)
    {
        string list = Lists[random.Next(Lists.Length)];
        switch (random.Next(20))
        {
            case < 8:
                var add = new List<string> { "RL.ADD", list };
                if (random.Next(6) == 0)
                    add.AddRange(["MAXLEN", random.Next(1, 25).ToString()]);
                add.AddRange(random.Next(8) switch { 0 => ["NX"], 1 => ["XX"], 2 => ["GT"], 3 => ["LT"], 4 => ["XX", "GT"], _ => [] });
                for (int i = random.Next(1, 12); i > 0; i--)
                    add.AddRange([random.Next(15) == 0 ? "-inf" : F(random.Next(-8, 9) / 2.0), Member(random)]);
                return [.. add];
            case < 11:
                return ["RL.INCRBY", list, F(random.Next(-4, 5) / 2.0), Member(random)];
            case < 13:
                return ["RL.REM", list, Member(random), Member(random)];
            case 13:
                return ["RL.TRIM", list, random.Next(0, 20).ToString()];
            case 14:
                return ["BF.MADD", "o:bf", Member(random), Member(random), Member(random)];
            case 15:
                return ["SADD", "o:set", Member(random), Member(random)];
            case 16:
                return ["COPY", list, "o:copy", "REPLACE"];
            case 17:
                return random.Next(2) == 0 ? ["RENAME", "o:copy", Lists[random.Next(Lists.Length)]] : ["RENAME", list, "o:copy"];
            case 18:
                return ["EXPIRE", list, "1000"];
            default:
                return random.Next(4) == 0 ? ["DEL", list] : ["RL.ADD", list, "0", Member(random)];
        }
    }

    private static string[] RandomRecall(Random random)
    {
        double[] weights = [-1.5, -1, 0, 0.5, 1, 2];
        var args = new List<string> { "RL.RECALL", random.Next(1, 30).ToString(), "LISTS" };
        var lists = Lists.Append("o:missing").OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
        args.Add(lists.Count.ToString());
        foreach (var key in lists)
            args.AddRange([key, F(weights[random.Next(weights.Length)])]);
        if (random.Next(2) == 0)
            args.AddRange(["AGG", random.Next(2) == 0 ? "SUM" : "MAX"]);
        if (random.Next(2) == 0)
            args.AddRange(["DEPTH", random.Next(1, 15).ToString()]);
        if (random.Next(2) == 0)
        {
            var excluded = Exclusions.OrderBy(_ => random.Next()).Take(random.Next(1, Exclusions.Length + 1)).ToList();
            args.AddRange(["EXCLUDE", excluded.Count.ToString(), .. excluded]);
        }
        if (random.Next(2) == 0)
            args.Add("WITHSCORES");
        return [.. args];
    }

    private static async Task SameAsync(RawConnection memoryNode, RawConnection diskNode, string[] command)
    {
        string expected = await memoryNode.CommandAsync(command);
        string actual = await diskNode.CommandAsync(command);
        Assert.True(expected == actual, $"{string.Join(' ', command)}: memory {expected.Replace("\r\n", "|")} disk {actual.Replace("\r\n", "|")}");
    }
}
