using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>
/// A connection to istore-node and one to redis-server that receive the same commands: every
/// reply must be byte-identical (binary values included, so Latin-1 carries one char per byte).
/// </summary>
public sealed class ReplyOracle(RawConnection node, RawConnection redis) : IAsyncDisposable
{
    public RawConnection Node => node;

    public RawConnection Redis => redis;

    public int Compared { get; private set; }

    public static async Task<ReplyOracle> ConnectAsync(NodeFixture fixture, Net.RedisServerFixture server) =>
        new(await fixture.ConnectAsync(), await RawConnection.ConnectAsync(server.Port));

    /// <summary>Switches both connections to RESP <paramref name="protocol"/> (HELLO's own reply names each server's version, so it is not compared).</summary>
    public async Task HelloAsync(string protocol)
    {
        Assert.False((await redis.ReadValueAfterAsync("HELLO", protocol)).IsError);
        Assert.False((await node.ReadValueAfterAsync("HELLO", protocol)).IsError);
    }

    /// <summary>Runs the command on both servers, asserts identical replies and returns the node's reply as Latin-1 text.</summary>
    public async Task<string> AgreeAsync(params string[] args)
    {
        var frame = RespEncoding.CommandText(Encoding.Latin1, args);
        await redis.SendAsync(Encoding.Latin1.GetBytes(frame));
        var expected = await redis.ReadFrameBytesAsync();
        await node.SendAsync(Encoding.Latin1.GetBytes(frame));
        var actual = await node.ReadFrameBytesAsync();
        Compared++;
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Fail($"{Describe(args)}\n redis:  {Escape(expected)}\n istore: {Escape(actual)}");
        return Encoding.Latin1.GetString(actual);
    }

    /// <summary>Runs each command on both servers in turn, asserting identical replies.</summary>
    public async Task AgreeAllAsync(params string[][] commands)
    {
        foreach (var args in commands)
            await AgreeAsync(args);
    }

    private static string Describe(string[] args) => string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "…" : a));

    private static string Escape(byte[] reply)
    {
        var text = new StringBuilder();
        foreach (byte b in reply.Take(400))
            text.Append(b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await node.DisposeAsync();
        await redis.DisposeAsync();
    }
}
