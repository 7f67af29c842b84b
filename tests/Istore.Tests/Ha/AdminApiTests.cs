using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>The admin API of `istore-ha up`: every endpoint, and bad input refused with a problem detail and nothing changed.</summary>
public sealed class AdminApiTests
{
    [Fact]
    public async Task Every_endpoint_works_and_bad_requests_change_nothing()
    {
        await using var up = await UpProcess.StartAsync("--shards", "1", "--replicas", "1");
        using var http = new HttpClient { BaseAddress = new Uri(up.Dashboard) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/v1/cluster")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/v1/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("metrics")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", up.AdminToken);

        var cluster = await GetJsonAsync(http, "api/v1/cluster");
        Assert.Equal(2, cluster["nodes"]!.AsArray().Count);
        Assert.Equal("demo", (string)cluster["tenants"]![0]!["name"]!);
        long version = (long)cluster["routeVersion"]!;

        // Create: nodes are started, the proxy takes the tenant's AUTH.
        var created = await http.PostAsync("api/v1/tenants", Json("""{"name": "shop", "password": "shop-pw", "shards": 1, "replicas": 1}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, JsonNode.Parse(await created.Content.ReadAsStringAsync())!["shards"]![0]!["replicas"]!.AsArray().Count + 1);
        await WaitAsync(async () => await AuthAsync(up, "shop", "shop-pw") == "OK", TimeSpan.FromSeconds(10), "the new tenant cannot AUTH");
        await using (var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort))
        {
            await c.ExecuteAsync("AUTH", "shop", "shop-pw");
            Assert.Equal("OK", (await c.ExecuteAsync("SET", "item", "1")).AsString());
        }

        // Refused, nothing changed.
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants", Json("""{"name": "shop", "password": "other"}""")), 409, "exists");
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants", Json("""{"name": "x y", "password": "p"}""")), 400, "name");
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants", Json("""{"name": "big", "password": "p", "shards": 1000}""")), 400, "shards");
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants", Json("""{"name": "dup", "password": "shop-pw"}""")), 409, "password");
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants", Json("""{"name": """)), 400, "JSON");
        await AssertProblemAsync(await http.PatchAsync("api/v1/tenants/nope", Json("""{"limits": {"qps": 5}}""")), 404, "no tenant 'nope'");
        await AssertProblemAsync(await http.PostAsync("api/v1/tenants/shop/shards/7/failover", null), 404, "no shard 7");
        Assert.Equal(version + 1, (long)(await GetJsonAsync(http, "api/v1/cluster"))["routeVersion"]!);

        // Limits reach the proxy without a restart: one client at most.
        var patched = await http.PatchAsync("api/v1/tenants/shop", Json("""{"limits": {"maxClients": 1, "backendConnections": 1, "maxInFlight": 4096, "backendTimeoutMs": 5000}}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await using (var first = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort))
        {
            await WaitAsync(async () => (await first.ExecuteAsync("AUTH", "shop", "shop-pw")).AsString() == "OK" && (await AuthAsync(up, "shop", "shop-pw")).Contains("max"),
                TimeSpan.FromSeconds(10), "maxClients 1 was not applied");
            // HA's monitoring reads the proxy's metrics: it takes no client slot, and it sees this one.
            await WaitAsync(async () => (long)(await GetJsonAsync(http, "api/v1/cluster"))["tenants"]![1]!["connections"]! == 1,
                TimeSpan.FromSeconds(10), "the tenant's connection is not in the cluster view");
        }

        // Switchover, then delete.
        string master = (string)(await GetJsonAsync(http, "api/v1/cluster"))["tenants"]![1]!["shards"]![0]!["master"]!;
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("api/v1/tenants/shop/shards/0/failover", null)).StatusCode);
        Assert.NotEqual(master, (string)(await GetJsonAsync(http, "api/v1/cluster"))["tenants"]![1]!["shards"]![0]!["master"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("api/v1/tenants/shop")).StatusCode);
        await AssertProblemAsync(await http.DeleteAsync("api/v1/tenants/shop"), 404, "no tenant 'shop'");
        await WaitAsync(async () => (await AuthAsync(up, "shop", "shop-pw")).StartsWith("WRONGPASS", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the deleted tenant still AUTHs");
        Assert.Equal(2, up.NodeAddresses().Count());

        var events = JsonNode.Parse(await http.GetStringAsync("api/v1/events"))!.AsArray();
        Assert.Contains(events, e => (string)e!["what"]! == "create tenant shop" && (bool)e["ok"]!);
        Assert.Contains(events, e => (string)e!["what"]! == "create tenant shop" && !(bool)e["ok"]! && ((string)e["result"]!).Contains("exists"));
        Assert.Contains(events, e => (string)e!["what"]! == "delete tenant shop" && (bool)e["ok"]!);

        var history = await GetJsonAsync(http, "api/v1/history?seconds=60");
        Assert.NotEmpty(history["t"]!.AsArray());
        await using (var demo = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort))
        {
            await demo.ExecuteAsync("AUTH", up.Tenant.Name, up.Tenant.Password);
            Assert.Equal("OK", (await demo.ExecuteAsync("SET", "measured", "1")).AsString());
        }
        string metrics = "";
        await WaitAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(metrics = await http.GetStringAsync("metrics"),
            @"istore_tenant_latency_seconds_bucket\{tenant=""demo"",le=""\+Inf""\} [1-9]"), TimeSpan.FromSeconds(10), "no latency histogram for demo");
        Assert.Contains("istore_node_up{", metrics);
        Assert.Contains("istore_tenant_latency_seconds_count{tenant=\"demo\"}", metrics);
        http.DefaultRequestHeaders.Authorization = null;
        Assert.Contains("/api/v1/tenants", await http.GetStringAsync("openapi/v1.json"));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, string path) => JsonNode.Parse(await http.GetStringAsync(path))!;

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string? detail)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(status, (int)problem["status"]!);
        if (detail is not null)
            Assert.Contains(detail, (string)problem["detail"]!);
    }

    private static async Task<string> AuthAsync(UpProcess up, string tenant, string password)
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", up.ProxyPort);
        return (await c.ExecuteAsync("AUTH", tenant, password)).AsString()!;
    }
}
