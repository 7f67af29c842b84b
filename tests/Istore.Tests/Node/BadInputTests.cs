using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Hostile and odd clients over raw sockets: malformed RESP, binary junk, inline commands,
/// unknown commands and wrong arity, a huge pipeline, byte-at-a-time and vanishing clients,
/// connection churn and a 6 MB value. A bad client may lose its own connection, nothing more:
/// after every test the node is still running, a fresh connection gets +PONG and data is intact.
/// </summary>
public abstract class BadInputTests(NodeFixture fixture) : IAsyncLifetime
{
    private const string Sentinel = "badinput:sentinel";
    private const string SentinelValue = "still-here";

    public async Task InitializeAsync()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", Sentinel, SentinelValue));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // ---------------------------------------------------------------- malformed RESP

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "letters as count", "*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n" },
        { "simple string in array", "*1\r\n+foo\r\n", "-ERR Protocol error: expected '$', got '+'\r\n" },
        { "integer in array", "*2\r\n$3\r\nGET\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n" },
        { "negative bulk length", "*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "bulk length -1", "*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "letters as bulk length", "*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "empty bulk length", "*1\r\n$\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "bulk without trailing CRLF", "*2\r\n$4\r\nECHO\r\n$3\r\nfooXY*1\r\n$4\r\nPING\r\n", "-ERR Protocol error: expected CRLF after bulk data\r\n" },
        { "bulk with LF only", "*1\r\n$4\r\nPING\n\n", "-ERR Protocol error: expected CRLF after bulk data\r\n" },
        { "1 GB bulk header", "*1\r\n$1073741824\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "bulk length overflowing long", "*1\r\n$99999999999999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n" },
        { "multibulk count over the max", "*1048577\r\n", "-ERR Protocol error: invalid multibulk length\r\n" },
        { "multibulk count overflowing long", "*99999999999999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n" },
        { "count line ending in CR only", "*1\rX", "-ERR Protocol error: invalid multibulk length\r\n" },
        { "unbalanced double quotes", "SET a \"b c\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n" },
        { "unbalanced single quotes", "SET a 'b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n" },
        { "text right after closing quote", "SET a \"b\"c\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n" },
        { "error after a good command", "*1\r\n$4\r\nPING\r\n*x\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_resp_gets_a_protocol_error_and_that_connection_is_closed(string name, string input, string expected)
    {
        _ = name;
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        await c.SendAsync(Encoding.Latin1.GetBytes(input));
        var (replies, closed) = await c.ReadUntilClosedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(expected, string.Concat(replies));
        Assert.True(closed, "the server kept the connection open after a protocol error");
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Header_lines_too_long_without_a_newline_are_rejected()
    {
        foreach (var (input, error) in new[]
                 {
                     ("*" + new string('1', 70_000), "-ERR Protocol error: too big mbulk count string\r\n"),
                     ("*1\r\n$" + new string('1', 70_000), "-ERR Protocol error: too big bulk count string\r\n"),
                     (new string('A', 70_000), "-ERR Protocol error: too big inline request\r\n"),
                 })
        {
            await using var c = await Wire.ConnectAsync(fixture.Node.Port);
            await c.SendAsync(Encoding.ASCII.GetBytes(input));
            var (replies, closed) = await c.ReadUntilClosedAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(error, string.Concat(replies));
            Assert.True(closed);
        }
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Empty_and_null_arrays_and_blank_lines_are_ignored()
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        await c.SendAsync("*0\r\n*-1\r\n\r\n\n   \r\n*1\r\n$4\r\nPING\r\n");
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        Assert.Equal("$5\r\nhello\r\n", await c.CommandAsync("ECHO", "hello"));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task An_incomplete_bulk_waits_for_the_rest()
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        await c.SendAsync("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
        await Assert.ThrowsAsync<TimeoutException>(() => c.ReadFrameAsync(TimeSpan.FromMilliseconds(300)));
        await c.SendAsync("lo\r\n");
        Assert.Equal("$5\r\nhello\r\n", await c.ReadFrameAsync());
        await AssertHealthyAsync();
    }

    // ---------------------------------------------------------------- binary junk

    public static TheoryData<string, int> JunkKinds => new()
    {
        { "random", 1 },
        { "star-prefixed", 2 },
        { "resp-header-then-random", 3 },
        { "mutated-pipeline", 4 },
    };

    [Theory]
    [MemberData(nameof(JunkKinds))]
    public async Task Binary_junk_costs_at_most_that_connection(string kind, int seed)
    {
        var random = new Random(seed * 7919);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 25 && clock.Elapsed < TimeSpan.FromSeconds(8); round++)
        {
            byte[] junk = MakeJunk(kind, random);
            await using (var c = await Wire.ConnectAsync(fixture.Node.Port))
            {
                await c.SendAsync(junk);
                c.ShutdownSend();   // then the server must finish: reply what it can and close
                var (replies, closed) = await c.ReadUntilClosedAsync(TimeSpan.FromSeconds(5));
                Assert.True(closed, $"{kind} round {round}: the connection was not closed after the client's FIN");
                // Everything that came back is well-formed RESP (ReadUntilClosed checks framing); junk
                // can only produce errors, except for the commands a mutated pipeline still contains.
                if (kind != "mutated-pipeline")
                    Assert.All(replies, r => Assert.StartsWith("-", r));
            }
            await AssertHealthyAsync();
        }
    }

    private static byte[] MakeJunk(string kind, Random random)
    {
        byte[] Random(int min, int max)
        {
            var bytes = new byte[random.Next(min, max)];
            random.NextBytes(bytes);
            return bytes;
        }

        switch (kind)
        {
            case "random":
                return Random(1, 4096);
            case "star-prefixed":
                return [(byte)'*', .. Random(0, 256)];
            case "resp-header-then-random":
                return [.. Encoding.ASCII.GetBytes($"*{random.Next(1, 5)}\r\n${random.Next(0, 10)}\r\n"), .. Random(0, 64)];
            default:
            {
                var text = new StringBuilder();
                for (int i = 0; i < 20; i++)
                {
                    string key = $"fuzz:{random.Next(10)}";
                    text.Append(random.Next(5) switch
                    {
                        0 => Cmd("SET", key, "value"),
                        1 => Cmd("GET", key),
                        2 => Cmd("INCR", key + ":n"),
                        3 => Cmd("APPEND", key + ":s", "xy"),
                        _ => "EXISTS " + key + "\r\n",
                    });
                }
                var bytes = Encoding.ASCII.GetBytes(text.ToString());
                for (int flips = random.Next(1, 6); flips > 0; flips--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            }
        }
    }

    // ---------------------------------------------------------------- inline commands, unknown commands, arity

    [Fact]
    public async Task Inline_commands_work_with_redis_quoting()
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        await c.SendAsync("PING\r\n");
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        await c.SendAsync("PING\n");
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        await c.SendAsync("SET inline:a \"b c\"\r\n");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        await c.SendAsync("GET inline:a\r\n");
        Assert.Equal("$3\r\nb c\r\n", await c.ReadFrameAsync());
        Assert.Equal("$3\r\nb c\r\n", await c.CommandAsync("GET", "inline:a"));
        await c.SendAsync("SET inline:esc \"tab\\there\\x41\\n\"\r\n");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$10\r\ntab\there" + "A\n\r\n", await c.CommandAsync("GET", "inline:esc"));
        await c.SendAsync("SET inline:single 'it\\'s'\r\n");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$4\r\nit's\r\n", await c.CommandAsync("GET", "inline:single"));
        await c.SendAsync("  set   inline:spaced    v1  \r\nget inline:spaced\r\nPING\r\n");
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$2\r\nv1\r\n", await c.ReadFrameAsync());
        Assert.Equal("+PONG\r\n", await c.ReadFrameAsync());
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Unknown_commands_and_wrong_arity_get_errors_and_keep_the_connection()
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n", await c.CommandAsync("FOO", "bar", "baz"));
        Assert.Equal("-ERR unknown command 'NOPE', with args beginning with: \r\n", await c.CommandAsync("NOPE"));
        await c.SendAsync("DEFINITELYNOT a\r\n");
        Assert.Equal("-ERR unknown command 'DEFINITELYNOT', with args beginning with: 'a' \r\n", await c.ReadFrameAsync());
        var longName = new string('z', 1000);
        var reply = await c.CommandAsync(longName, new string('q', 5000));
        Assert.StartsWith("-ERR unknown command '" + new string('z', 128) + "'", reply);
        Assert.True(reply.Length < 2000, "the error should quote only the start of a long command");
        var binary = await c.CommandAsync("\u0000\u0001\u00ff", "x");
        Assert.StartsWith("-ERR unknown command", binary);

        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.CommandAsync("GET"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.CommandAsync("GET", "a", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'set' command\r\n", await c.CommandAsync("SET", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'incr' command\r\n", await c.CommandAsync("incr"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", await c.CommandAsync("MSET", "a", "1", "b"));
        await c.SendAsync("GET\r\n");
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", await c.ReadFrameAsync());
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("EXPIRE", Sentinel, "soon"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        await AssertHealthyAsync();
    }

    // ---------------------------------------------------------------- volume and pacing

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_huge_pipelined_batch_gets_every_reply_in_order(bool readWhileSending)
    {
        const int Count = 100_000;
        string key = $"pipeline:{readWhileSending}";
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        var one = Encoding.ASCII.GetBytes(Cmd("INCR", key));
        var batch = new byte[one.Length * Count];
        for (int i = 0; i < Count; i++)
            one.CopyTo(batch, i * one.Length);

        // One send of ~2.7 MB. Either a client that reads concurrently, or one that writes everything first.
        var send = c.SendAsync(batch);
        if (!readWhileSending)
            await send.WaitAsync(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= Count; i++)
        {
            var reply = await c.ReadFrameAsync(TimeSpan.FromSeconds(20));
            if (reply != $":{i}\r\n")
                Assert.Fail($"reply {i}: {reply}");
        }
        await send;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal($"$6\r\n{Count}\r\n", await c.CommandAsync("GET", key));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_client_sending_one_byte_at_a_time_is_served()
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        var input = Encoding.ASCII.GetBytes(Cmd("SET", "slow:k", "hello world") + "GET slow:k\r\n" + Cmd("STRLEN", "slow:k"));
        foreach (var b in input)
        {
            await c.SendAsync([b]);
            await Task.Delay(1);
        }
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal("$11\r\nhello world\r\n", await c.ReadFrameAsync());
        Assert.Equal(":11\r\n", await c.ReadFrameAsync());
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_client_disconnecting_mid_command_does_not_affect_the_server()
    {
        var partials = new[]
        {
            Cmd("SET", "gone:k", "value").Substring(0, 20),
            "*3\r\n$3\r\nSET\r\n$6\r\ngone:k\r\n$100\r\nabc",
            "*3\r\n$3\r\nSET\r\n$6\r\ngone:k\r\n$10000000\r\n" + new string('x', 100_000),
            "SET gone:k \"unfinished",
            "*2",
        };
        foreach (var abort in new[] { false, true })
        {
            foreach (var partial in partials)
            {
                await using var c = await Wire.ConnectAsync(fixture.Node.Port);
                await c.SendAsync(Encoding.ASCII.GetBytes(partial));
                await Task.Delay(20);
                if (abort)
                    c.Abort();   // RST instead of FIN
            }
        }
        await using var check = await Wire.ConnectAsync(fixture.Node.Port);
        Assert.Equal(":0\r\n", await check.CommandAsync("EXISTS", "gone:k"));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_client_that_stops_reading_big_replies_neither_blocks_others_nor_loses_replies()
    {
        var value = new byte[1024 * 1024];
        new Random(5).NextBytes(value);
        await using var slow = await Wire.ConnectAsync(fixture.Node.Port);
        Assert.Equal("+OK\r\n", await slow.CommandAsync(Encoding.Latin1.GetString(Bytes("SET")), "slow:big", Encoding.Latin1.GetString(value)));
        // 100 MB of replies requested, none read yet: the server must hold back, not stall.
        const int Gets = 100;
        var send = slow.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Cmd("GET", "slow:big"), Gets))));
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
            await AssertHealthyAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"other clients waited {clock.Elapsed} behind a slow reader");
        for (int i = 0; i < Gets; i++)
        {
            var reply = await slow.ReadFrameBytesAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(10 + value.Length + 2, reply.Length);   // "$1048576\r\n" + value + "\r\n"
            Assert.True(reply.AsSpan(10, value.Length).SequenceEqual(value), $"reply {i} differs");
        }
        await send;

        // A client that asks for big replies and then vanishes (RST) costs nothing either.
        for (int i = 0; i < 5; i++)
        {
            await using var rude = await Wire.ConnectAsync(fixture.Node.Port);
            await rude.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Cmd("GET", "slow:big"), 20))));
            await Task.Delay(10 * i);
            rude.Abort();
        }
        Assert.Equal(":1\r\n", await CommandOnFreshConnectionAsync("DEL", "slow:big"));
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Many_connections_opened_and_closed_quickly_leave_no_trace()
    {
        long baseline = await ConnectedClientsAsync();
        var clock = Stopwatch.StartNew();
        // Sequential churn: connect and drop (half of them with an RST), some after a command.
        for (int i = 0; i < 300 && clock.Elapsed < TimeSpan.FromSeconds(10); i++)
        {
            await using var c = await Wire.ConnectAsync(fixture.Node.Port);
            if (i % 3 == 0)
                Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
            if (i % 2 == 0)
                c.Abort();
        }
        // Concurrent churn: 200 clients at once, each does a command, some vanish without reading the reply.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            await using var c = await Wire.ConnectAsync(fixture.Node.Port);
            if (i % 4 == 0)
            {
                await c.SendAsync(Cmd("INCR", "churn:n"));
                c.Abort();
                return;
            }
            Assert.StartsWith(":", await c.CommandAsync("INCR", "churn:n"));
        }));
        long n = long.Parse((await CommandOnFreshConnectionAsync("GET", "churn:n")).Split("\r\n")[1]);
        Assert.InRange(n, 150, 200);

        // Every closed connection is forgotten by the server.
        long clients = 0;
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(5); await Task.Delay(50))
            if ((clients = await ConnectedClientsAsync()) <= baseline)
                break;
        Assert.True(clients <= baseline, $"connected_clients is {clients}, was {baseline} before the churn");
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_6_MB_binary_value_round_trips_exactly()
    {
        var value = new byte[6 * 1024 * 1024];
        new Random(20).NextBytes(value);
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        await c.SendAsync(RespEncoding.Command(Bytes("SET"), Bytes("big:20mb"), value));
        Assert.Equal("+OK\r\n", await c.ReadFrameAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal($":{value.Length}\r\n", await c.CommandAsync("STRLEN", "big:20mb"));
        await c.SendAsync(RespEncoding.Command(Bytes("GET"), Bytes("big:20mb")));
        var reply = await c.ReadFrameBytesAsync(TimeSpan.FromSeconds(30));
        var header = Bytes($"${value.Length}\r\n");
        Assert.Equal(header.Length + value.Length + 2, reply.Length);
        Assert.True(reply.AsSpan(0, header.Length).SequenceEqual(header));
        Assert.True(reply.AsSpan(header.Length, value.Length).SequenceEqual(value), "the value came back different");
        Assert.Equal("$3\r\n" + Encoding.Latin1.GetString(value, value.Length - 3, 3) + "\r\n", await c.CommandAsync("GETRANGE", "big:20mb", "-3", "-1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "big:20mb"));
        await AssertHealthyAsync();
    }

    // ================================================================= helpers

    /// <summary>The node is still running and logged no error, a fresh connection gets +PONG, and the sentinel key is intact.</summary>
    private async Task AssertHealthyAsync()
    {
        Assert.False(fixture.Node.HasExited, "istore-node exited:\n" + fixture.Node.Output);
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        Assert.Equal($"${SentinelValue.Length}\r\n{SentinelValue}\r\n", await c.CommandAsync("GET", Sentinel));
        Assert.False(fixture.Node.HasExited);
        // No handler exception ("ERR internal error", logged as fail:) and nothing critical.
        var output = fixture.Node.Output;
        Assert.False(output.Contains("fail: ") || output.Contains("crit: "), "the node logged an error:\n" + output);
    }

    private async Task<long> ConnectedClientsAsync()
    {
        var info = await CommandOnFreshConnectionAsync("INFO", "clients");
        return long.Parse(InfoText.Fields(info)["connected_clients"]) - 1;   // not counting the asking connection
    }

    private async Task<string> CommandOnFreshConnectionAsync(params string[] args)
    {
        await using var c = await Wire.ConnectAsync(fixture.Node.Port);
        return await c.CommandAsync(args);
    }

    /// <summary>A RESP command; each char is one byte (latin-1), so binary names fit in a string.</summary>
    private static string Cmd(params string[] args) => RespEncoding.CommandText(Encoding.Latin1, args);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// A raw socket with an offset-based reply reader (fast with 100,000 buffered replies), and the
    /// rude moves tests need: half-close, abort with RST, latin-1 commands for binary names.
    /// </summary>
    private sealed class Wire : IAsyncDisposable
    {
        private readonly Socket _socket;
        private byte[] _buffer = new byte[256 * 1024];
        private int _start, _end;

        private Wire(Socket socket) => _socket = socket;

        public static async Task<Wire> ConnectAsync(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            return new Wire(socket);
        }

        public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

        public async Task SendAsync(byte[] bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
                sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }

        public async Task<string> CommandAsync(params string[] args)
        {
            await SendAsync(Cmd(args));
            return await ReadFrameAsync();
        }

        public async Task<string> ReadFrameAsync(TimeSpan? timeout = null) =>
            Encoding.Latin1.GetString(await ReadFrameBytesAsync(timeout));

        public async Task<byte[]> ReadFrameBytesAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
            while (true)
            {
                if (TryTakeFrame(out var frame))
                    return frame;
                if (await ReceiveAsync(cts.Token) == 0)
                    throw new IOException("connection closed by the server");
            }
        }

        /// <summary>Reads every reply until the server closes the connection or the time is up.</summary>
        public async Task<(List<string> Replies, bool Closed)> ReadUntilClosedAsync(TimeSpan timeout)
        {
            var replies = new List<string>();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    while (TryTakeFrame(out var frame))
                        replies.Add(Encoding.Latin1.GetString(frame));
                    if (await ReceiveAsync(cts.Token) == 0)
                    {
                        Assert.True(_start == _end, "the server closed the connection in the middle of a reply");
                        return (replies, true);
                    }
                }
            }
            catch (TimeoutException)
            {
                return (replies, false);
            }
            catch (SocketException)
            {
                return (replies, true);   // reset by the server
            }
        }

        private bool TryTakeFrame(out byte[] frame)
        {
            frame = [];
            if (_start == _end)
                return false;
            var result = RespFrameScanner.TryScan(_buffer.AsSpan(_start, _end - _start), out int length, out string? error);
            if (result == ParseResult.ProtocolError)
                throw new InvalidDataException("server sent invalid RESP: " + error);
            if (result != ParseResult.Complete)
                return false;
            frame = _buffer.AsSpan(_start, length).ToArray();
            _start += length;
            return true;
        }

        private async Task<int> ReceiveAsync(CancellationToken token)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            try
            {
                int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, token);
                _end += read;
                return read;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no complete reply within the timeout");
            }
        }

        public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

        /// <summary>Closes with an RST (linger 0), like a client that crashed.</summary>
        public void Abort()
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }

        public ValueTask DisposeAsync()
        {
            _socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
