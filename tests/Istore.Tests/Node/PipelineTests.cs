using System.Net;
using System.Net.Sockets;
using System.Text;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>Clients that pipeline far ahead of their reads, as some scripts and bulk loaders do.</summary>
public abstract class PipelineTests(NodeFixture fixture)
{
    [Fact]
    public async Task A_client_that_sends_its_whole_pipeline_before_reading_is_served()
    {
        await fixture.Db.StringSetAsync("pipeline:k", "v");
        const int commands = 1_000_000;
        // 22 MB of requests: more than the kernel buffers hold, so the server must keep reading
        // while the replies (7 MB, under its pause threshold) wait for this client to read them.
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*2\r\n$3\r\nGET\r\n$10\r\npipeline:k\r\n", commands)));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Node.Port);

        var send = socket.SendAsync(request.AsMemory(), SocketFlags.None).AsTask();
        var finished = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == send, "the server stopped reading: the pipeline could not be sent");
        Assert.Equal(request.Length, await send);

        var reply = "$1\r\nv\r\n"u8.ToArray();
        long expected = (long)reply.Length * commands, received = 0;
        var buffer = new byte[1 << 20];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (received < expected)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "connection closed early");
            for (int i = 0; i < n; i++)
                Assert.Equal(reply[(received + i) % reply.Length], buffer[i]);
            received += n;
        }
        Assert.Equal(expected, received);
    }
}
