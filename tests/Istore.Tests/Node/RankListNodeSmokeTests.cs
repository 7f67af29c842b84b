using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Ranklists, a recall with set and bloom exclusions, and bloom filters against the node binary
/// (the AOT executable in CI's smoke run), and their survival of kill -9 with a checkpoint.
/// </summary>
public abstract class RankListNodeSmokeTests(string engine)
{
    [Fact]
    public async Task Recall_and_bloom_work_and_survive_kill_9_and_a_checkpoint()
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":3\r\n", await c.CommandAsync("RL.ADD", "sm:a", "MAXLEN", "10", "3", "x", "2", "y", "1", "z"));
            Assert.Equal(":2\r\n", await c.CommandAsync("RL.ADD", "sm:b", "5", "z", "4", "w"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
            Assert.Equal(":1\r\n", await c.CommandAsync("SADD", "sm:seen", "w"));
            Assert.Equal(":1\r\n", await c.CommandAsync("BF.ADD", "sm:bf", "x"));
        }
        node.Kill();
        await node.RestartAsync();
        await using var check = await node.ConnectAsync();
        Assert.Equal("+ranklist\r\n", await check.CommandAsync("TYPE", "sm:a"));
        Assert.Equal("+MBbloom--\r\n", await check.CommandAsync("TYPE", "sm:bf"));
        // z = 1 + 2·5 = 11, y = 2; x excluded by the bloom filter, w by the set.
        Assert.Equal("*4\r\n$1\r\nz\r\n$2\r\n11\r\n$1\r\ny\r\n$1\r\n2\r\n",
            await check.CommandAsync("RL.RECALL", "5", "LISTS", "2", "sm:a", "1", "sm:b", "2", "EXCLUDE", "2", "sm:seen", "sm:bf", "WITHSCORES"));
        Assert.Equal("*2\r\n:1\r\n:0\r\n", await check.CommandAsync("BF.MEXISTS", "sm:bf", "x", "never"));
    }
}
