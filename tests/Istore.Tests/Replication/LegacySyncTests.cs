using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>
/// The legacy SYNC, as Redis's test suites use it (attach_to_replication_stream): the snapshot as
/// one bulk string, then the replication stream, which must carry what Redis propagates — a
/// transaction of one write bare, of several framed in MULTI/EXEC, of no write nothing at all.
/// </summary>
public abstract class LegacySyncTests(NodeFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_sync_client_gets_the_snapshot_then_the_stream_as_redis_propagates_it()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "sync:before", "in-the-snapshot"));
        using var stream = await ReplicationStream.AttachAsync(fixture.Node.Port);
        Assert.Contains("sync:before", Encoding.Latin1.GetString(stream.Snapshot));

        await Transact(c, ["SET", "sync:one", "1"]);
        await Transact(c, ["SET", "sync:a", "1"], ["GET", "sync:a"], ["SET", "sync:b", "2"]);
        await Transact(c);
        await Transact(c, ["GET", "sync:a"]);
        await Transact(c, ["DEL", "sync:missing"]);
        await Transact(c, ["PUBLISH", "sync:channel", "hello"]);
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "sync:last", "x"));

        string[][] expected =
        [
            ["SELECT", "0"],
            ["SET", "sync:one", "1"],
            ["MULTI"], ["SET", "sync:a", "1"], ["SET", "sync:b", "2"], ["EXEC"],
            ["PUBLISH", "sync:channel", "hello"],
            ["SET", "sync:last", "x"],
        ];
        foreach (var record in expected)
            Assert.Equal(record, await stream.NextRecordAsync(Generous));

        // It acknowledges nothing, so it counts for no WAIT.
        Assert.Equal(":0\r\n", await c.CommandAsync("WAIT", "1", "100"));
    }

    [Fact]
    public async Task Sync_is_refused_inside_multi_and_takes_no_arguments()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("MULTI"));
        Assert.Equal("-ERR Command not allowed inside a transaction\r\n", await c.CommandAsync("SYNC"));
        Assert.StartsWith("-EXECABORT", await c.CommandAsync("EXEC"));
        Assert.Equal("-ERR wrong number of arguments for 'sync' command\r\n", await c.CommandAsync("SYNC", "extra"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    private static async Task Transact(RawConnection c, params string[][] commands) =>
        Assert.StartsWith("*", await Node.TransactionTests.TransactAsync(c, commands));

    /// <summary>A SYNC client: newlines while the snapshot is made, <c>$length</c> and the snapshot (no CRLF after it), then RESP records.</summary>
    private sealed class ReplicationStream : IDisposable
    {
        private readonly TcpClient _client;
        private readonly Stream _stream;

        private ReplicationStream(TcpClient client, byte[] snapshot)
        {
            _client = client;
            _stream = client.GetStream();
            Snapshot = snapshot;
        }

        public byte[] Snapshot { get; }

        public static async Task<ReplicationStream> AttachAsync(int port)
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("SYNC\r\n"u8.ToArray());
            using var timeout = new CancellationTokenSource(Generous);
            string line;
            do
                line = await ReadLineAsync(stream, timeout.Token);
            while (line.Length == 0);
            Assert.StartsWith("$", line);
            var snapshot = new byte[int.Parse(line[1..])];
            await stream.ReadExactlyAsync(snapshot, timeout.Token);
            return new ReplicationStream(client, snapshot);
        }

        public async Task<string[]> NextRecordAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            string header = await ReadLineAsync(_stream, cts.Token);
            Assert.StartsWith("*", header);
            var record = new string[int.Parse(header[1..])];
            for (int i = 0; i < record.Length; i++)
            {
                string length = await ReadLineAsync(_stream, cts.Token);
                var value = new byte[int.Parse(length[1..]) + 2];
                await _stream.ReadExactlyAsync(value, cts.Token);
                record[i] = Encoding.UTF8.GetString(value, 0, value.Length - 2);
            }
            return record;
        }

        private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancel)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                await stream.ReadExactlyAsync(one, cancel);
                if (one[0] == '\n')
                    return line.ToString().TrimEnd('\r');
                line.Append((char)one[0]);
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
