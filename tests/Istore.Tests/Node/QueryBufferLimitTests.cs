using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// client-query-buffer-limit bounds what a client's command holds, as Redis's does (CONFIG SET
/// changes it at once): a big argument over it closes the client, one under it is taken whichever
/// way its bytes arrive. Its receive buffer is sized for it; its last few bytes arriving late once
/// made the buffer double past the limit, and a 600 KB SET under a 1 MB limit (or a 512 MB one
/// under the 1 GB default) was refused.
/// </summary>
public sealed class QueryBufferLimitTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_big_argument_under_the_limit_whose_last_bytes_come_late_is_taken_as_redis_takes_it(string engine)
    {
        await using var node = await NodeProcess.StartAsync(["--engine", engine]);
        foreach (int port in new[] { redis.Port, node.Port })
        {
            await using var c = await RawConnection.ConnectAsync(port);
            Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
            string value = new('q', 600 * 1024);
            byte[] frame = Encoding.ASCII.GetBytes(RespEncoding.CommandText(Encoding.ASCII, ["SET", "qb:late", value]));
            await c.SendAsync(frame[..^12]);
            await Task.Delay(300);   // the server has read all but the last 12 bytes
            await c.SendAsync(frame[^12..]);
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
            Assert.Equal($":{value.Length}\r\n", await c.CommandAsync("STRLEN", "qb:late"));

            // Over the limit: the client is closed and nothing is written (Redis closes without a reply; istore says why first).
            try { await c.SendCommandAsync("SET", "qb:over", new string('o', 1536 * 1024)); }
            catch (System.Net.Sockets.SocketException) { /* closed while sending: what is tested */ }
            Assert.True(await c.IsClosedByServerAsync(TimeSpan.FromSeconds(10)), $"port {port} kept a client over its query buffer limit");
            await using var after = await RawConnection.ConnectAsync(port);
            Assert.Equal(":0\r\n", await after.CommandAsync("EXISTS", "qb:over"));
            Assert.Equal("+OK\r\n", await after.CommandAsync("CONFIG", "SET", "client-query-buffer-limit", "1gb"));
        }
    }
}
