using System.Globalization;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>A proxy whose tenants span 1, 2, 3 and 5 shards; the 1-shard tenant's node doubles as the node holding every list.</summary>
public abstract class RecallCluster : ProxyCluster
{
    protected override int ShardCount => 5;

    protected override int SpareCount => 6;

    protected override string MoreTenants =>
        """
        {"name": "r2", "password": "pr2", "shards": [{"master": "127.0.0.1:{spare1}"}, {"master": "127.0.0.1:{spare2}"}]},
        {"name": "r3", "password": "pr3", "shards": [{"master": "127.0.0.1:{spare3}"}, {"master": "127.0.0.1:{spare4}"}, {"master": "127.0.0.1:{spare5}"}]},
        """;

    /// <summary>Tenants by shard count, with their passwords.</summary>
    public static readonly (string Tenant, string Password, int Shards)[] Tenants = [("t2", "p2", 1), ("r2", "pr2", 2), ("r3", "pr3", 3), ("t1", "p1", 5)];

    /// <summary>The single node every case's lists are also written to (t2's own node).</summary>
    public NodeProcess Reference => Spares[0];
}

public sealed class MemoryRecallCluster : RecallCluster;

public sealed class DiskRecallCluster : RecallCluster
{
    protected override string Engine => "disk";
}

/// <summary>
/// RL.RECALL through the proxy over 1–5 shards against the same recall on one node holding every
/// key: random lists (ties, infinities, MAXLEN), exclusions by set, ranklist and bloom filter,
/// missing and wrong-typed keys, every option, RESP2 and RESP3 — the replies must be identical
/// byte for byte, errors included. Engine-agnostic: a disk-engine cluster is one more subclass.
/// </summary>
public abstract class ProxyRecallOracleTests(RecallCluster cluster)
{
    private static readonly string[] Weights = ["-2", "-1", "-0.5", "0", "0.25", "1", "1", "2", "3", "1e-3"];

    private sealed class Case(int seed)
    {
        public readonly Random Random = new(seed);
        public readonly string Prefix = $"rx{seed}:";
        public readonly List<string[]> Writes = [];
        public readonly List<string> ListKeys = [];
        public readonly List<string> ExcludeKeys = [];

        private int Universe { get; } = seed % 3 == 0 ? 40 : 600;

        /// <summary>Only non-negative scores and weights: a SUM recall then runs by shard to the end (negative ones hand it to the recall by list).</summary>
        private bool NonNegative { get; } = seed % 3 == 1;

        public string Member() => $"m{Random.Next(Universe)}";

        public string Score(bool infinities) => NonNegative ? AnyScore(infinities).TrimStart('-') : AnyScore(infinities);

        private string AnyScore(bool infinities) => Random.Next(20) switch
        {
            0 when infinities => "inf",
            1 when infinities => "-inf",
            < 8 => Random.Next(-3, 4).ToString(CultureInfo.InvariantCulture),
            < 14 => (Random.Next(-40, 40) / 2.0).ToString("R", CultureInfo.InvariantCulture),
            _ => Math.Round(Random.NextDouble() * 1000 - 300, 3).ToString("R", CultureInfo.InvariantCulture),
        };

        public void Build(bool tagged)
        {
            string Key(string name) => tagged ? $"{{{Prefix}}}{name}" : Prefix + name;
            bool infinities = Random.Next(5) == 0;
            for (int i = Random.Next(1, 7); i > 0; i--)
            {
                string key = Key($"l{i}");
                ListKeys.Add(key);
                int size = Random.Next(6) == 0 ? 0 : Random.Next(1, Random.Next(2) == 0 ? 30 : 400);
                if (size == 0)
                    continue;   // a missing list reads as empty
                var add = new List<string> { "RL.ADD", key };
                if (Random.Next(5) == 0)
                    add.AddRange(["MAXLEN", Random.Next(1, 50).ToString(CultureInfo.InvariantCulture)]);
                for (int n = 0; n < size; n++)
                    add.AddRange([Score(infinities), Member()]);
                Writes.Add([.. add]);
            }
            if (Random.Next(4) == 0)
                ListKeys.Add(ListKeys[Random.Next(ListKeys.Count)]);   // the same list twice
            for (int j = Random.Next(4); j > 0; j--)
            {
                string key = Key($"x{j}");
                ExcludeKeys.Add(key);
                var members = Enumerable.Range(0, Random.Next(1, 80)).Select(_ => Member());
                switch (Random.Next(4))
                {
                    case 0: Writes.Add(["SADD", key, .. members]); break;
                    case 1: Writes.Add(["RL.ADD", key, .. members.SelectMany(m => new[] { "1", m })]); break;
                    case 2: Writes.Add(["BF.MADD", key, .. members]); break;
                    default: break;   // missing: excludes nothing
                }
            }
            if (Random.Next(12) == 0)
            {
                string wrong = Key("str");
                Writes.Add(["SET", wrong, "v"]);
                (Random.Next(2) == 0 ? ListKeys : ExcludeKeys).Add(wrong);
            }
        }

        public string[] Recall()
        {
            var args = new List<string> { "RL.RECALL", (Random.Next(4) == 0 ? Random.Next(1, 300) : Random.Next(1, 20)).ToString(CultureInfo.InvariantCulture) };
            args.AddRange(["LISTS", ListKeys.Count.ToString(CultureInfo.InvariantCulture)]);
            foreach (var key in ListKeys)
                args.AddRange([key, Random.Next(15) == 0 ? "inf" : Weights[Random.Next(Weights.Length)].TrimStart(NonNegative ? '-' : ' ')]);
            if (Random.Next(2) == 0)
                args.AddRange(["AGG", Random.Next(2) == 0 ? "SUM" : "max"]);
            if (Random.Next(3) == 0)
                args.AddRange(["DEPTH", (Random.Next(2) == 0 ? Random.Next(1, 30) : Random.Next(100, 2000)).ToString(CultureInfo.InvariantCulture)]);
            if (ExcludeKeys.Count > 0 && Random.Next(4) != 0)
                args.AddRange(["EXCLUDE", ExcludeKeys.Count.ToString(CultureInfo.InvariantCulture), .. ExcludeKeys]);
            if (Random.Next(2) == 0)
                args.Add("WITHSCORES");
            return [.. args];
        }
    }

    private static async Task<RawConnection> ConnectAsync(Func<Task<RawConnection>> connect, int protocol)
    {
        var c = await connect();
        if (protocol == 3)
            Assert.StartsWith("%", await c.CommandAsync("HELLO", "3"));
        return c;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Recalls_through_the_proxy_equal_the_single_node_recall_byte_for_byte(int protocol)
    {
        await using var reference = await ConnectAsync(cluster.Reference.ConnectAsync, protocol);
        var proxies = new List<RawConnection>();
        foreach (var (tenant, password, _) in RecallCluster.Tenants)
            proxies.Add(await ConnectAsync(() => cluster.ConnectAsync(tenant, password), protocol));
        int crossShard = 0;
        try
        {
            for (int seed = protocol * 1000; seed < protocol * 1000 + 60; seed++)
            {
                var rc = new Case(seed);
                int t = seed % RecallCluster.Tenants.Length;
                var proxy = proxies[t];
                rc.Build(tagged: seed % 10 == 0);
                foreach (var write in rc.Writes)
                {
                    string written = await reference.CommandAsync(write);
                    if (t > 0)   // t2's shard is the reference node itself: written once
                        Assert.Equal(written, await proxy.CommandAsync(write));
                }
                int shards = RecallCluster.Tenants[t].Shards;
                crossShard += rc.ListKeys.Concat(rc.ExcludeKeys).Select(k => ExpectedRoute.Shard(k, shards)).Distinct().Count() > 1 ? 1 : 0;
                for (int r = 0; r < 4; r++)
                {
                    var recall = rc.Recall();
                    string expected = await reference.CommandAsync(recall);
                    string actual = await proxy.CommandAsync(recall);
                    Assert.True(expected == actual, $"seed {seed} on {shards} shards: {string.Join(' ', recall)}\nnode:  {expected.ReplaceLineEndings(" ")}\nproxy: {actual.ReplaceLineEndings(" ")}");
                }
            }
        }
        finally
        {
            foreach (var proxy in proxies)
                await proxy.DisposeAsync();
        }
        Assert.True(crossShard > 25, $"only {crossShard} cases spanned shards");
    }

    [Fact]
    public async Task Bad_recalls_get_the_node_errors_whichever_shards_their_keys_are_on()
    {
        await using var node = await cluster.Reference.ConnectAsync();
        await using var proxy = await cluster.ConnectAsync();
        string[][] bad =
        [
            ["RL.RECALL", "0", "LISTS", "2", "bad:a", "1", "bad:b", "1"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "x", "bad:b", "1"],
            ["RL.RECALL", "5", "LIST", "2", "bad:a", "1", "bad:b", "1"],
            ["RL.RECALL", "5", "LISTS", "3", "bad:a", "1", "bad:b", "1"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "1", "bad:b", "1", "DEPTH", "0"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "1", "bad:b", "1", "AGG", "MIN"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "1", "bad:b", "1", "EXCLUDE", "3", "bad:c"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "1", "bad:b", "1", "WITHSCORES", "extra"],
            ["RL.RECALL", "5", "LISTS", "2", "bad:a", "1"],
        ];
        foreach (var command in bad)
        {
            string expected = await node.CommandAsync(command);
            Assert.StartsWith("-ERR", expected);
            Assert.Equal(expected, await proxy.CommandAsync(command));
        }
        Assert.NotEqual(ExpectedRoute.Shard("bad:a", 5), ExpectedRoute.Shard("bad:b", 5));
    }
}

public sealed class ProxyRecallOracleTestsOnMemory(MemoryRecallCluster cluster) : ProxyRecallOracleTests(cluster), IClassFixture<MemoryRecallCluster>;

public sealed class ProxyRecallOracleTestsOnDisk(DiskRecallCluster cluster) : ProxyRecallOracleTests(cluster), IClassFixture<DiskRecallCluster>;
