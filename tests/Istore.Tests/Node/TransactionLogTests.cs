using System.Text;
using Istore.Tests.Infrastructure;
using static Istore.Tests.Node.TransactionTests;

namespace Istore.Tests.Node;

/// <summary>
/// The memory engine's append-only log and EXEC: one group per transaction, replayed all or not at
/// all, and nothing written for a read-only EXEC. (The disk engine's WAL takes each EXEC as one
/// batch; TransactionTests' kill -9 case runs on both engines.)
/// </summary>
public sealed class TransactionLogTests
{
    private const string Exec = "*1\r\n$4\r\nEXEC\r\n";

    [Fact]
    public async Task An_exec_is_one_log_group_and_a_torn_one_is_replayed_not_at_all()
    {
        await using var node = await NodeProcess.StartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "before", "1"));
            Assert.Equal("*4\r\n+OK\r\n:1\r\n+OK\r\n:2\r\n", await TransactAsync(c,
                ["MSET", "a", "1", "b", "2"], ["HSET", "h", "f", "v"], ["RENAME", "a", "renamed"], ["INCRBY", "before", "1"]));
        }
        node.Kill();
        var log = Directory.GetFiles(Path.Combine(node.DataDirectory, "aof"), "*.aof").Max()!;
        string text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(log));
        // One group for the whole EXEC: MSET's and RENAME's own framing joined it.
        Assert.Equal(1, CountOf(text, "*1\r\n$5\r\nMULTI\r\n"));
        Assert.Equal(1, CountOf(text, Exec));
        Assert.EndsWith(Exec, text);

        // A crash before EXEC's marker reached the log: none of the group applies.
        await File.WriteAllBytesAsync(log, Encoding.Latin1.GetBytes(text[..^Exec.Length]));
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(Bulk("1"), await c.CommandAsync("GET", "before"));
            Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "a", "b", "renamed", "h"));
        }
    }

    [Fact]
    public async Task Read_only_exec_writes_nothing_to_the_log()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("*2\r\n$-1\r\n:0\r\n", await TransactAsync(c, ["GET", "x"], ["EXISTS", "x"]));
        node.Kill();
        Assert.All(Directory.GetFiles(Path.Combine(node.DataDirectory, "aof"), "*.aof"), f => Assert.Equal(0, new FileInfo(f).Length));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
            count++;
        return count;
    }
}
