using System.Net;
using System.Net.Sockets;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// CONFIG SET port and bind move the listener at once (established connections stay), and CONFIG
/// SET is all or nothing as in Redis: a value refused when checked changes nothing, and one that
/// fails as it is applied (a port already taken) rolls back the changes applied before it. Each
/// test that moves a listener starts a node of its own.
/// </summary>
public abstract class ConfigListenerTests(NodeFixture fixture, RedisServerFixture redis)
{
    private const string Ok = "+OK\r\n";

    private static string Pair(string name, string value) => $"*2\r\n${name.Length}\r\n{name}\r\n${value.Length}\r\n{value}\r\n";

    [Fact]
    public async Task Config_set_port_moves_the_listener_and_keeps_established_connections()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        int port = NodeProcess.FreePort();
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "port", port.ToString()));
        Assert.Equal(Pair("port", port.ToString()), await c.CommandAsync("CONFIG", "GET", "port"));
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
        await using (var moved = await RawConnection.ConnectAsync(port))
        {
            Assert.Equal("+PONG\r\n", await moved.CommandAsync("PING"));
            Assert.Contains($"tcp_port:{port}\r\n", (await moved.ReadValueAfterAsync("INFO", "server")).AsString());
            Assert.Equal(Ok, await moved.CommandAsync("CONFIG", "SET", "port", port.ToString()));   // its own port: nothing to do
        }
        Assert.True(await RefusesAsync(node.Port), $"the old port {node.Port} still accepts connections");
    }

    [Fact]
    public async Task A_port_in_use_is_refused_and_the_changes_before_it_are_rolled_back()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int used = ((IPEndPoint)taken.LocalEndpoint).Port;
        string maxmemory = await c.CommandAsync("CONFIG", "GET", "maxmemory");
        string queryLimit = await c.CommandAsync("CONFIG", "GET", "client-query-buffer-limit");

        string reply = await c.CommandAsync("CONFIG", "SET", "maxmemory", "10000001", "port", used.ToString(), "client-query-buffer-limit", "10m");
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port: ", reply);
        Assert.Equal(maxmemory, await c.CommandAsync("CONFIG", "GET", "maxmemory"));
        Assert.Equal(queryLimit, await c.CommandAsync("CONFIG", "GET", "client-query-buffer-limit"));
        Assert.Equal(Pair("port", node.Port.ToString()), await c.CommandAsync("CONFIG", "GET", "port"));
        await using var again = await node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await again.CommandAsync("PING"));
    }

    [Fact]
    public async Task Config_set_bind_takes_one_address_and_refuses_a_bad_one_as_redis()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
            await c.CommandAsync("CONFIG", "SET", "bind", "999.999.999.999"));
        Assert.Equal(Pair("bind", "127.0.0.1"), await c.CommandAsync("CONFIG", "GET", "bind"));
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "bind", "127.0.0.1"));
        await using var again = await fixture.ConnectAsync();
        Assert.Equal("+PONG\r\n", await again.CommandAsync("PING"));
    }

    [Fact]
    public async Task Config_set_bind_moves_the_listener_to_another_address()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "bind", "127.0.0.2"));
        Assert.Equal(Pair("bind", "127.0.0.2"), await c.CommandAsync("CONFIG", "GET", "bind"));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Parse("127.0.0.2"), node.Port);
        await client.GetStream().WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[7];
        await client.GetStream().ReadExactlyAsync(buffer);
        Assert.Equal("+PONG\r\n", System.Text.Encoding.ASCII.GetString(buffer));
        Assert.True(await RefusesAsync(node.Port), "127.0.0.1 still accepts connections");
    }

    /// <summary>A value refused when checked names its parameter, as redis-server does, and nothing is applied.</summary>
    [Fact]
    public async Task A_value_refused_when_checked_changes_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string[] set = ["CONFIG", "SET", "maxmemory", "10000001", "maxmemory-clients", "200%", "client-query-buffer-limit", "invalid"];
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100\r\n",
            await oracle.CommandAsync(set));
        string maxmemory = await c.CommandAsync("CONFIG", "GET", "maxmemory");
        Assert.Equal(await oracle.CommandAsync(set), await c.CommandAsync(set));
        Assert.Equal(maxmemory, await c.CommandAsync("CONFIG", "GET", "maxmemory"));
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "maxmemory-clients", "100%"));
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "maxmemory-clients", "0"));
    }

    [Fact]
    public async Task Hidden_parameters_answer_by_name_only()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Pair("key-load-delay", "0"), await c.CommandAsync("CONFIG", "GET", "key-load-delay"));
        Assert.DoesNotContain("key-load-delay", await c.CommandAsync("CONFIG", "GET", "*"));
        Assert.DoesNotContain("key-load-delay", await c.CommandAsync("CONFIG", "GET", "key-load-*"));
    }

    /// <summary>The old listener closes once every event loop has moved off it: a moment after the reply.</summary>
    private static async Task<bool> RefusesAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
