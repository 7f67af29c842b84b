using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Net.Client;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

public class RespClientTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>
{
    /// <summary>Every wait is bounded: a hang must fail the test, not stall the run.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string NewKey(string prefix) => $"{prefix}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Basic_commands_return_typed_values()
    {
        await using var client = await server.ConnectAsync();
        var key = NewKey("basic");
        Assert.Equal("+PONG", (await client.ExecuteAsync("PING")).ToString());
        Assert.Equal("+OK", (await client.ExecuteAsync("SET", key, "value")).ToString());
        var value = await client.ExecuteAsync("GET", key);
        Assert.Equal((RespType.BulkString, "value"), (value.Type, value.AsString()));
        Assert.True((await client.ExecuteAsync("GET", NewKey("missing"))).IsNull);
        Assert.Equal(1, (await client.ExecuteAsync("DEL", key)).AsInteger());
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task Thousand_concurrent_commands_complete_in_order()
    {
        await using var client = await server.ConnectAsync();
        var key = NewKey("pipeline");
        var tasks = new List<Task<RespValue>>();
        for (int i = 0; i < 1000; i++)
        {
            tasks.Add(client.ExecuteAsync("INCR", key));
            tasks.Add(client.ExecuteAsync("ECHO", $"echo-{i}"));
        }
        var replies = await Task.WhenAll(tasks).WaitAsync(Timeout);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(i + 1, replies[2 * i].AsInteger());
            Assert.Equal($"echo-{i}", replies[2 * i + 1].AsString());
        }
    }

    [Fact]
    public async Task Commands_from_many_threads_are_each_answered_once()
    {
        await using var client = await server.ConnectAsync();
        var key = NewKey("threads");
        var perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, 250).Select(_ => client.ExecuteAsync("INCR", key)).ToArray();
            return (await Task.WhenAll(mine)).Select(r => r.AsInteger()).ToArray();
        }))).WaitAsync(Timeout);
        // Each thread's commands went out in its call order, and together they saw every count once.
        foreach (var counts in perThread)
            Assert.Equal(counts.Order(), counts);
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), perThread.SelectMany(c => c).Order());
    }

    [Fact]
    public async Task Binary_and_utf8_values_round_trip()
    {
        await using var client = await server.ConnectAsync();
        var key = Encoding.UTF8.GetBytes(NewKey("bin\r\n\0"));
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$3\r\n*1\r\n"u8.ToArray()).ToArray();
        Assert.Equal("+OK", (await client.ExecuteAsync("SET"u8.ToArray(), key, all)).ToString());
        Assert.Equal(all, (await client.ExecuteAsync("GET"u8.ToArray(), key)).AsBytes());

        var big = new byte[3 * 1024 * 1024 + 7];   // several receive buffers' worth
        new Random(5).NextBytes(big);
        await client.ExecuteAsync("SET"u8.ToArray(), key, big);
        Assert.Equal(big, (await client.ExecuteAsync("GET"u8.ToArray(), key).WaitAsync(Timeout)).AsBytes());

        var text = NewKey("clé-ü-日本");
        await client.ExecuteAsync("SET", text, "välue ✓");
        Assert.Equal("välue ✓", (await client.ExecuteAsync("GET", text)).AsString());
        Assert.Equal(Encoding.UTF8.GetByteCount("välue ✓"), (await client.ExecuteAsync("STRLEN", text)).AsInteger());
    }

    [Fact]
    public async Task Error_replies_are_values_and_the_connection_stays_usable()
    {
        await using var client = await server.ConnectAsync();
        var key = NewKey("err");
        await client.ExecuteAsync("SET", key, "x");
        var unknown = client.ExecuteAsync("NOSUCHCOMMAND", "a");
        var wrongType = client.ExecuteAsync("LPUSH", key, "y");
        var ping = client.ExecuteAsync("PING");
        Assert.True((await unknown).IsError);
        Assert.StartsWith("ERR unknown command", (await unknown).AsString());
        Assert.StartsWith("WRONGTYPE", (await wrongType).AsString());
        Assert.Equal("PONG", (await ping).AsString());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Resp3_types_are_parsed()
    {
        await using var client = await server.ConnectAsync();
        var hello = await client.ExecuteAsync("HELLO", "3");
        Assert.Equal(RespType.Map, hello.Type);
        var fields = hello.Pairs.ToDictionary(p => p.Key.AsString()!, p => p.Value);
        Assert.Equal("redis", fields["server"].AsString());
        Assert.Equal(3, fields["proto"].AsInteger());

        var key = NewKey("r3");
        await client.ExecuteAsync("HSET", key + ":h", "f", "v");
        var hash = await client.ExecuteAsync("HGETALL", key + ":h");
        Assert.Equal((RespType.Map, "v"), (hash.Type, hash.Pairs.Single().Value.AsString()));
        await client.ExecuteAsync("ZADD", key + ":z", "1.5", "m");
        var score = await client.ExecuteAsync("ZSCORE", key + ":z", "m");
        Assert.Equal((RespType.Double, 1.5), (score.Type, score.AsDouble()));
        await client.ExecuteAsync("SADD", key + ":s", "a");
        Assert.Equal(RespType.Set, (await client.ExecuteAsync("SMEMBERS", key + ":s")).Type);
        Assert.Equal(RespType.Null, (await client.ExecuteAsync("GET", key)).Type);
    }

    [Fact]
    public async Task Pushes_go_to_the_unsolicited_queue_not_to_a_command()
    {
        await using var tracked = await server.ConnectAsync();
        await using var writer = await server.ConnectAsync();
        var key = NewKey("track");
        await tracked.ExecuteAsync("HELLO", "3");
        Assert.Equal("OK", (await tracked.ExecuteAsync("CLIENT", "TRACKING", "ON")).AsString());
        await tracked.ExecuteAsync("GET", key);
        await writer.ExecuteAsync("SET", key, "changed");
        var push = await tracked.ReceiveUnsolicitedAsync().WaitAsync(Timeout);
        Assert.Equal(RespType.Push, push.Type);
        Assert.Equal("invalidate", push[0].AsString());
        Assert.Equal(key, push[1][0].AsString());
        Assert.Equal("PONG", (await tracked.ExecuteAsync("PING").WaitAsync(Timeout)).AsString());
    }

    [Fact]
    public async Task Raw_bytes_are_sent_exactly()
    {
        await using var client = await server.ConnectAsync();
        Assert.Empty(await client.SendRawAsync("*2\r\n$4\r\nECHO\r\n$5\r\nhe"u8.ToArray()));
        var replies = await client.SendRawAsync("llo\r\nPING\r\n"u8.ToArray(), expectedReplies: 2).WaitAsync(Timeout);
        Assert.Equal(["hello", "PONG"], replies.Select(r => r.AsString()));
        Assert.Equal("+OK", (await client.ExecuteAsync("SET", NewKey("raw"), "1")).ToString());
    }

    [Fact]
    public async Task Server_protocol_error_reply_then_close_faults_later_calls()
    {
        await using var client = await server.ConnectAsync();
        var reply = (await client.SendRawAsync("*abc\r\n"u8.ToArray(), expectedReplies: 1).WaitAsync(Timeout)).Single();
        Assert.Equal("ERR Protocol error: invalid multibulk length", reply.AsString());
        // Redis closes the connection after a protocol error: pending or later, calls fail.
        await Assert.ThrowsAsync<IOException>(() => client.ExecuteAsync("PING").WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => client.ExecuteAsync("PING").WaitAsync(Timeout));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Cancelled_command_keeps_its_place_in_the_fifo()
    {
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        var list = NewKey("blocked");
        using var cancel = new CancellationTokenSource();
        var blocked = client.ExecuteAsync(["BLPOP", list, "0"], cancel.Token);
        var ping = client.ExecuteAsync("PING");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        await other.ExecuteAsync("RPUSH", list, "item");
        // BLPOP's reply arrives first and is dropped; PING still gets its own reply.
        Assert.Equal("PONG", (await ping.WaitAsync(Timeout)).AsString());
    }

    [Fact]
    public async Task Killing_the_server_faults_pending_and_later_calls()
    {
        using var own = new RedisServerFixture();
        await using var client = await own.ConnectAsync();
        Assert.Equal("PONG", (await client.ExecuteAsync("PING")).AsString());
        var blocked = client.ExecuteAsync("BLPOP", NewKey("never"), "0");
        var queued = client.ExecuteAsync("PING");
        own.Kill();
        var error = await Assert.ThrowsAsync<IOException>(() => blocked.WaitAsync(Timeout));
        Assert.Contains(own.Port.ToString(), error.Message);
        await Assert.ThrowsAsync<IOException>(() => queued.WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => client.ExecuteAsync("PING").WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => client.SendRawAsync("PING\r\n"u8.ToArray()).WaitAsync(Timeout));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Dispose_faults_pending_and_later_calls()
    {
        var client = await server.ConnectAsync();
        var blocked = client.ExecuteAsync("BLPOP", NewKey("never"), "0");
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => blocked.WaitAsync(Timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExecuteAsync("PING").WaitAsync(Timeout));
    }

    [Fact]
    public async Task Malformed_reply_faults_the_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var fake = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync();
            // Both requests first: a request left unread when the peer closes would make it reset the connection.
            var buffer = new byte[1024];
            for (int received = 0; received < 2 * "*1\r\n$4\r\nPING\r\n".Length;)
                received += await peer.ReceiveAsync(buffer.AsMemory(received));
            await peer.SendAsync("+OK\r\n:notanumber\r\n"u8.ToArray());
            try
            {
                int read;
                do read = await peer.ReceiveAsync(buffer);   // hold the connection until the client drops it
                while (read > 0);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // a faulted client may drop it with a reset rather than a FIN: dropped all the same
            }
        });
        await using var client = await RespClient.ConnectAsync("localhost", ((IPEndPoint)listener.LocalEndpoint).Port);
        var first = client.ExecuteAsync("PING");
        var second = client.ExecuteAsync("PING");
        Assert.Equal("OK", (await first.WaitAsync(Timeout)).AsString());
        var error = await Assert.ThrowsAsync<IOException>(() => second.WaitAsync(Timeout));
        Assert.Contains("Protocol error: invalid integer", error.Message);
        await fake.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_throws() =>
        await Assert.ThrowsAnyAsync<SocketException>(() => RespClient.ConnectAsync("127.0.0.1", ClosedPort()));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
