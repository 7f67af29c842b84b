using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>A port belongs to one process: a second node or proxy on it stops with an error instead of sharing its connections.</summary>
public class PortInUseTests
{
    [Fact]
    public async Task A_second_node_on_a_served_port_stops_with_address_in_use_and_the_first_keeps_serving()
    {
        await using var first = await NodeProcess.StartAsync();
        var dir = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output) = await NodeProcess.RunToExitAsync(NodeProcess.BinaryPath, ["--port", first.Port.ToString(), "--dir", dir]);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("in use", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        // Every new connection still reaches the first node (a shared port would send some to the second).
        for (int i = 0; i < 20; i++)
        {
            await using var c = await RawConnection.ConnectAsync(first.Port);
            Assert.Contains($"process_id:{first.Pid}\r\n", await c.CommandAsync("INFO", "server"));
        }
    }

    [Fact]
    public async Task A_proxy_on_a_port_a_node_serves_stops_with_address_in_use()
    {
        await using var node = await NodeProcess.StartAsync();
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, $$"""
                {"version": 1, "listen": "127.0.0.1:{{node.Port}}", "tenants": [{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{node.Port}}"}]}]}
                """);
            var (exitCode, output) = await NodeProcess.RunToExitAsync(ProxyProcess.BinaryPath, ["--config", config, "--metrics-port", "0"]);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("in use", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
