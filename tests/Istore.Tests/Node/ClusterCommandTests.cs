using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// CLUSTER answers byte for byte as redis-server without cluster support: every subcommand says
/// support is disabled after its name and arity are checked; from a script, RESET (the one
/// no-script subcommand) is refused and the others answer as outside. COMMAND lists it and its
/// subcommands under the cluster group.
/// </summary>
public abstract class ClusterCommandTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    [Fact]
    public async Task Cluster_answers_as_redis_with_cluster_support_disabled()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        await both.AgreeAllAsync(
            ["CLUSTER", "INFO"], ["CLUSTER", "NODES"], ["CLUSTER", "SLOTS"], ["CLUSTER", "SHARDS"], ["CLUSTER", "MYID"],
            ["CLUSTER", "KEYSLOT", "k"], ["CLUSTER", "RESET", "HARD"], ["CLUSTER", "HELP"], ["cluster", "reset"],
            ["CLUSTER", "NOSUCH"], ["CLUSTER", "INFO", "extra"], ["CLUSTER", "KEYSLOT"], ["CLUSTER", "SETSLOT", "1", "x"], ["CLUSTER"],
            ["EVAL", "local reply = redis.call('cluster', 'reset', 'hard') return reply", "0"],
            ["EVAL", "local reply = redis.pcall('cluster', 'reset') return reply", "0"],
            ["EVAL", "local reply = redis.call('CLUSTER', 'INFO') return reply", "0"],
            ["EVAL", "local reply = redis.pcall('cluster', 'nosuch') return reply", "0"]);
    }

    [Fact]
    public async Task Command_lists_cluster_and_its_subcommands()
    {
        await using var c = await fixture.ConnectAsync();
        var names = (await c.ReadValueAfterAsync("COMMAND", "LIST")).Items.Select(item => item.AsString()).ToHashSet();
        Assert.Contains("cluster", names);
        Assert.Contains("cluster|reset", names);
        Assert.Contains("cluster|info", names);
        var dangerous = (await c.ReadValueAfterAsync("COMMAND", "LIST", "FILTERBY", "ACLCAT", "dangerous")).Items.Select(item => item.AsString()).ToHashSet();
        Assert.Contains("cluster|reset", dangerous);
        Assert.DoesNotContain("cluster|info", dangerous);
        Assert.Contains("$7\r\ncluster\r\n", await c.CommandAsync("COMMAND", "DOCS", "cluster"));
        var info = await c.ReadValueAfterAsync("COMMAND", "INFO", "cluster");
        Assert.Equal("cluster", info.Items[0].Items[0].AsString());
        Assert.Equal(-2, info.Items[0].Items[1].AsInteger());
    }
}
