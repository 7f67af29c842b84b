using Istore.Net.Resp;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A master istore-node and its replicas as real processes on loopback, with the waits replication
/// tests need: links up, replicas caught up with the master's offset, digests compared.
/// </summary>
public sealed class ReplicationGroup : IAsyncDisposable
{
    private readonly string _engine;

    private ReplicationGroup(string engine, NodeProcess master)
    {
        _engine = engine;
        Master = master;
    }

    public NodeProcess Master { get; private set; }

    public List<NodeProcess> Replicas { get; } = [];

    public static async Task<ReplicationGroup> StartAsync(string engine, int replicas, string[]? masterArgs = null, string[]? replicaArgs = null)
    {
        var master = await NodeProcess.StartAsync(["--engine", engine, .. masterArgs ?? []]);
        var group = new ReplicationGroup(engine, master);
        for (int i = 0; i < replicas; i++)
            await group.AddReplicaAsync(replicaArgs);
        return group;
    }

    /// <summary>Starts one more replica of the master (with --replicaof).</summary>
    public async Task<NodeProcess> AddReplicaAsync(string[]? args = null)
    {
        var replica = await NodeProcess.StartAsync(["--engine", _engine, "--replicaof", $"127.0.0.1:{Master.Port}", .. args ?? []]);
        Replicas.Add(replica);
        return replica;
    }

    public static async Task<Dictionary<string, string>> InfoAsync(NodeProcess node, string section = "replication")
    {
        await using var c = await node.ConnectAsync();
        return InfoText.Fields((await c.ReadValueAfterAsync("INFO", section)).AsString()!);
    }

    public static async Task<string> CommandAsync(NodeProcess node, params string[] args)
    {
        await using var c = await node.ConnectAsync();
        return await c.CommandAsync(args);
    }

    /// <summary>DEBUG DIGEST walks every key: a million of them take seconds on a busy machine, hence the long wait.</summary>
    public static async Task<string> DigestAsync(NodeProcess node)
    {
        await using var c = await node.ConnectAsync();
        await c.SendCommandAsync("DEBUG", "DIGEST");
        return (await c.ReadValueAsync(TimeSpan.FromSeconds(60))).AsString()!;
    }

    /// <summary>Waits until every replica's link is up, it has applied everything the master has written, and its data is durable for that history (a restart continues incrementally).</summary>
    public async Task WaitInSyncAsync(TimeSpan? timeout = null) => await WaitInSyncAsync(Master, Replicas, timeout);

    public static async Task WaitInSyncAsync(NodeProcess master, IEnumerable<NodeProcess> replicas, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        foreach (var replica in replicas)
        {
            while (true)
            {
                var info = await InfoAsync(replica);
                long masterOffset = long.Parse((await InfoAsync(master))["master_repl_offset"]);
                if (info.GetValueOrDefault("master_link_status") == "up" && long.Parse(info["slave_repl_offset"]) == masterOffset
                    && info.GetValueOrDefault("repl_history_persisted") == "1")
                    break;
                if (DateTime.UtcNow > deadline)
                {
                    // repl_history_persisted waits for a checkpoint: say how the replica's checkpoints went.
                    var persistence = await InfoAsync(replica, "persistence");
                    throw new TimeoutException($"replica on {replica.Port} not in sync with {master.Port} (master offset {masterOffset}): "
                        + string.Join(", ", info.Concat(persistence).Select(kv => kv.Key + "=" + kv.Value)) + "\n" + replica.Output);
                }
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the node's INFO section.</summary>
    public static async Task<Dictionary<string, string>> WaitForInfoAsync(NodeProcess node, Func<Dictionary<string, string>, bool> condition,
        string section = "replication", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var info = await InfoAsync(node, section);
            if (Holds(condition, info))
                return info;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"node {node.Port}: condition not met; INFO {section}: " + string.Join(", ", info.Select(kv => kv.Key + "=" + kv.Value)));
            await Task.Delay(20);
        }
    }

    /// <summary>A condition on fields a node does not show yet (a replica just started answers as a master for a moment) does not hold yet.</summary>
    private static bool Holds(Func<Dictionary<string, string>, bool> condition, Dictionary<string, string> info)
    {
        try
        {
            return condition(info);
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Asserts every replica's DEBUG DIGEST equals the master's (after waiting for them to catch up).</summary>
    public async Task AssertDigestsEqualAsync()
    {
        await WaitInSyncAsync();
        string expected = await DigestAsync(Master);
        Assert.NotEqual(new string('0', 40), expected);
        foreach (var replica in Replicas)
            await AssertSameDataAsync(Master, replica, expected);
    }

    /// <summary>Fails, naming the keys that differ and the replica's log, unless the two nodes' DEBUG DIGESTs are equal.</summary>
    public static async Task AssertSameDataAsync(NodeProcess master, NodeProcess replica, string? masterDigest = null)
    {
        string expected = masterDigest ?? await DigestAsync(master);
        string actual = await DigestAsync(replica);
        if (expected != actual)
            Assert.Fail($"replica on {replica.Port}: digest {actual}, master's {expected}\n"
                + await DatasetDifference.DescribeAsync(master, replica) + "\n" + replica.Output);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
            await replica.DisposeAsync();
        await Master.DisposeAsync();
    }
}
