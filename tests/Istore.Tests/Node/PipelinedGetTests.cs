using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Pipelined runs of GETs, sent in one write so the node finds them in one receive (the disk engine
/// reads such a run with one MultiGet): present, missing, expired, wrong-type, big and binary keys,
/// with writes, refused commands and a transaction between them. Every reply must be redis-server's,
/// byte for byte and in order. On a memory node whose log spilled, the keys are on disk when read
/// (FASTER's reads of a run are waited for together).
/// </summary>
public abstract class PipelinedGetTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    private static readonly byte[] BinaryKey = [0, (byte)'\r', (byte)'\n', 0xff, (byte)'*', (byte)'2'];

    private static readonly byte[] Big = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 150_000).Select(i => (char)('a' + i % 26))));

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[][] Cmd(params object[] args) => args.Select(a => a as byte[] ?? B((string)a)).ToArray();

    /// <summary>Sends the commands in one write to both servers; asserts the reply streams are the same.</summary>
    private static async Task AgreeAsync(RawConnection node, RawConnection oracle, IReadOnlyList<byte[][]> commands)
    {
        byte[] pipeline = commands.SelectMany(c => RespEncoding.Command(c)).ToArray();
        await oracle.SendAsync(pipeline);
        await node.SendAsync(pipeline);
        for (int i = 0; i < commands.Count; i++)
        {
            byte[] expected = await oracle.ReadFrameBytesAsync(TimeSpan.FromSeconds(30));
            byte[] actual = await node.ReadFrameBytesAsync(TimeSpan.FromSeconds(30));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"reply {i} to {Describe(commands[i])}: node {Show(actual)}, redis {Show(expected)}");
        }
    }

    private static string Describe(byte[][] command) => string.Join(' ', command.Select(Show));

    private static string Show(byte[] bytes) => bytes.Length > 80 ? $"{bytes.Length} bytes" : Encoding.UTF8.GetString(bytes).ReplaceLineEndings("|");

    /// <summary>Pushes the keys written so far out of RAM, where the node's engine spills them (a memory node with a small log).</summary>
    protected virtual Task SpillAsync(RawConnection node) => Task.CompletedTask;

    /// <summary>The same keys on both servers: strings (binary, empty, big), a hash and a list, and keys that expired but (active expiry off) are still stored.</summary>
    private async Task FillAsync(RawConnection node, RawConnection oracle, string p)
    {
        await AgreeAsync(node, oracle,
        [
            Cmd("DEL", $"{p}:a", $"{p}:b", $"{p}:empty", $"{p}:big", $"{p}:hash", $"{p}:list", $"{p}:gone1", $"{p}:gone2", BinaryKey),
            Cmd("SET", $"{p}:a", "1"), Cmd("SET", $"{p}:b", "two"), Cmd("SET", $"{p}:empty", ""),
            Cmd("SET", $"{p}:big", Big), Cmd("SET", BinaryKey, new byte[] { 0, 1, 2, (byte)'\r', (byte)'\n' }),
            Cmd("HSET", $"{p}:hash", "f", "v"), Cmd("RPUSH", $"{p}:list", "x"),
            Cmd("SET", $"{p}:gone1", "old", "PX", "30"), Cmd("SET", $"{p}:gone2", "old", "PX", "30"),
        ]);
        await SpillAsync(node);
        await Task.Delay(300);
    }

    /// <summary>
    /// With the node's active expiry off, so its expired keys are still stored when the run reads them
    /// (redis-server refuses DEBUG; whether it removed them already does not change its replies).
    /// </summary>
    private async Task RunWithoutActiveExpiryAsync(Func<RawConnection, RawConnection, Task> test)
    {
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        Assert.Equal("+OK\r\n", await node.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        try
        {
            await test(node, oracle);
        }
        finally
        {
            Assert.Equal("+OK\r\n", await node.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
        }
    }

    [Fact]
    public Task A_run_of_gets_mixing_present_missing_expired_wrong_type_and_big_keys_answers_in_order() =>
        RunWithoutActiveExpiryAsync(async (node, oracle) =>
        {
            const string p = "pg1";
            await FillAsync(node, oracle, p);
            await AgreeAsync(node, oracle,
            [
                Cmd("GET", $"{p}:a"), Cmd("GET", $"{p}:missing"), Cmd("GET", $"{p}:gone1"), Cmd("GET", $"{p}:hash"),
                Cmd("GET", $"{p}:big"), Cmd("GET", BinaryKey), Cmd("GET", $"{p}:empty"), Cmd("get", $"{p}:b"),
                Cmd("GET", $"{p}:list"), Cmd("GET", $"{p}:gone1"), Cmd("GET", $"{p}:a"), Cmd("GET", $"{p}:big"),
                Cmd("EXISTS", $"{p}:gone1"), Cmd("GET", $"{p}:gone2"), Cmd("GET", $"{p}:gone2"),
            ]);
        });

    [Fact]
    public Task Writes_errors_and_a_transaction_inside_a_run_are_seen_by_the_gets_after_them() =>
        RunWithoutActiveExpiryAsync(async (node, oracle) =>
        {
            const string p = "pg2";
            await FillAsync(node, oracle, p);
            await AgreeAsync(node, oracle,
            [
                Cmd("GET", $"{p}:a"), Cmd("GET", $"{p}:b"), Cmd("SET", $"{p}:b", "changed"), Cmd("GET", $"{p}:b"),
                Cmd("GET", $"{p}:a", "extra"), Cmd("GET"), Cmd("GET", $"{p}:a"), Cmd("DEL", $"{p}:a"), Cmd("GET", $"{p}:a"),
                Cmd("MULTI"), Cmd("GET", $"{p}:b"), Cmd("SET", $"{p}:b", "in-exec"), Cmd("GET", $"{p}:b"), Cmd("EXEC"),
                Cmd("GET", $"{p}:b"), Cmd("GET", $"{p}:hash"), Cmd("HSET", $"{p}:hash", "g", "w"), Cmd("DEL", $"{p}:hash"),
                Cmd("GET", $"{p}:hash"), Cmd("SET", $"{p}:hash", "now a string"), Cmd("GET", $"{p}:hash"), Cmd("GET", $"{p}:gone1"),
            ]);
        });

    [Fact]
    public async Task A_run_longer_than_one_read_ahead_and_keys_refused_by_acl_in_it_answer_as_redis()
    {
        const string p = "pg3";
        string user = $"pg3user{fixture.Engine}";
        await using var node = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        var fill = new List<byte[][]> { Cmd("ACL", "SETUSER", user, "on", "nopass", "+get", "+auth", $"~{p}:open:*") };
        for (int i = 0; i < 150; i += 3)
            fill.Add(Cmd("SET", $"{p}:{(i % 2 == 0 ? "open" : "shut")}:{i}", $"v{i}"));
        await AgreeAsync(node, oracle, fill);
        await SpillAsync(node);

        var gets = Enumerable.Range(0, 150).Select(i => Cmd("GET", $"{p}:{(i % 2 == 0 ? "open" : "shut")}:{i}")).ToList();
        await AgreeAsync(node, oracle, gets);
        await AgreeAsync(node, oracle, [Cmd("AUTH", user, "any"), .. gets]);
    }
}
