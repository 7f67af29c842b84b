using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Istore.Tests.Ha;

/// <summary>
/// `istore-ha up` end to end. With ISTORE_HA_BINARY set (CI does, after publishing), this runs the
/// Native AOT istore-ha, which finds the published istore-node and istore-proxy next to it: the
/// cluster, the admin API (ASP.NET Core under AOT) and the OpenAPI document.
/// </summary>
public sealed class UpSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Up_starts_a_cluster_with_its_admin_API()
    {
        await using var up = await UpProcess.StartAsync("--shards", "1", "--replicas", "1");
        output.WriteLine($"istore-ha up ready in {up.StartTime.TotalMilliseconds:F0} ms ({HaProcess.BinaryPath})");
        await using (var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort))
        {
            Assert.Equal("OK", (await c.ExecuteAsync("AUTH", up.Tenant.Name, up.Tenant.Password)).AsString());
            Assert.Equal("OK", (await c.ExecuteAsync("SET", "smoke", "1")).AsString());
            Assert.Equal("1", (await c.ExecuteAsync("GET", "smoke")).AsString());
        }
        using var http = new HttpClient { BaseAddress = new Uri(up.Dashboard) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", up.AdminToken);
        var cluster = JsonNode.Parse(await http.GetStringAsync("api/v1/cluster"))!;
        Assert.Equal(2, cluster["nodes"]!.AsArray().Count);
        Assert.Contains("\"openapi\"", await http.GetStringAsync("openapi/v1.json"));
        Assert.Equal(0, await up.StopAsync());
        Assert.Empty(up.LiveChildren());
    }
}
