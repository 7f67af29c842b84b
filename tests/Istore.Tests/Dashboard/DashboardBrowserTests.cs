using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Tests.Infrastructure;
using OpenQA.Selenium;

namespace Istore.Tests.Dashboard;

/// <summary>
/// The dashboard in headless chromium against a real <c>istore-ha up</c> cluster under a light
/// write load: each view's tables and charts fill with the cluster's data, and the operations run
/// from the page. Every test saves a screenshot (TestResults/screenshots) and fails a blank one.
/// </summary>
public sealed class DashboardBrowserTests(LoadedClusterFixture fixture) : IClassFixture<LoadedClusterFixture>
{
    private const int MinPoints = 5;
    private const long HeapSlack = 1 << 20;   // what V8 may keep after a full GC from one measurement to the next
    private static readonly string[] Views = ["machine", "business", "platform"];

    private readonly UpProcess _cluster = fixture.Cluster;

    [Fact]
    public async Task MachineViewListsEveryNodeAndChartsItsTraffic()
    {
        var nodes = (await fixture.GetAsync("/api/v1/cluster"))["nodes"]!.AsArray().Select(n => (string)n!["address"]!).ToList();
        Assert.True(nodes.Count >= 4, $"{nodes.Count} nodes");
        using var browser = Open("machine");
        browser.WaitFor(_ => nodes.All(Rows(browser, "#nodes").Select(r => r[0]).Contains), "the nodes table to list every node");
        // Columns: address, tenant, shard, role, state, memory, CPU, connections, ops/s …
        browser.WaitFor(_ => Rows(browser, "#nodes").Count(r => r[1] == "demo" && r[4] == "up" && r[8] != "0") >= 2, "the loaded masters to show ops/s");
        browser.WaitFor(_ => Drawn(browser, "chart-node-ops") && Drawn(browser, "chart-node-memory"), "the node charts to draw points");
        Assert.True(Series(browser, "chart-node-ops") >= nodes.Count);
        Assert.Contains(Rows(browser, "#hosts"), r => r[0] == "127.0.0.1");
        browser.Screenshot("machine-view");
    }

    [Fact]
    public void BusinessViewShowsTheTenantsTrafficAndShards()
    {
        using var browser = Open("business");
        // Columns: tenant, requests/s, p50, p99 …
        browser.WaitFor(_ => Rows(browser, "#tenants").Any(r => r[0] == "demo" && r[1] != "0" && r[3] != "–"), "the demo tenant's requests/s and p99");
        browser.WaitFor(_ => Rows(browser, "#shards").Count(r => r[0] == "demo" && r[4] == "healthy") == 2, "both demo shards healthy");
        browser.WaitFor(_ => Drawn(browser, "chart-tenant-ops") && Drawn(browser, "chart-tenant-p99"), "the tenant charts to draw points");
        browser.Screenshot("business-view");
    }

    [Fact]
    public void PlatformViewShowsTotals()
    {
        using var browser = Open("platform");
        browser.WaitFor(_ => Text(browser, "nodes-up") is var t && t.Split(" / ") is [var up, var all] && up == all && up != "0", "every node up");
        browser.WaitFor(_ => Text(browser, "requests-today") is not ("–" or "0"), "requests today");
        browser.WaitFor(_ => Drawn(browser, "chart-platform-ops"), "the platform chart to draw points");
        Assert.Contains("/", Text(browser, "storage"));
        browser.Screenshot("platform-view");
    }

    [Fact]
    public void PageKeepsItsSizeWhileRefreshing()
    {
        using var browser = Open("machine");
        browser.WaitFor(_ => Drawn(browser, "chart-node-ops"), "the node charts to draw points");
        ShowEachViewInTurn(browser, rounds: 2);
        var (nodes, heap) = PageSize(browser);
        ShowEachViewInTurn(browser, rounds: 5);
        var (nodesAfter, heapAfter) = PageSize(browser);
        Assert.Equal(nodes, nodesAfter);
        Assert.True(heapAfter < heap + HeapSlack, $"JS heap grew from {heap} to {heapAfter} bytes in 15 s");
    }

    [Fact]
    public async Task CreateTenantFromThePage()
    {
        var name = "web" + Random.Shared.Next(1000, 9999);
        using var browser = Open("business");
        Type(browser, "#create-tenant input[name=name]", name);
        Type(browser, "#create-tenant input[name=password]", "secret-" + name);
        Type(browser, "#create-tenant input[name=shards]", "1");
        Type(browser, "#create-tenant input[name=replicas]", "1");
        browser.Driver.FindElement(By.CssSelector("#create-tenant button[type=submit]")).Click();
        var result = WaitForOperation(browser, 90);
        Assert.True(result.Ok, result.Text);
        Assert.Contains("→ 201", result.Text);
        Assert.Contains($"tenant {name} created: 1 shard(s)", result.Text);
        browser.WaitFor(_ => Rows(browser, "#shards").Any(r => r[0] == name && r[4] == "healthy"), "the new tenant's shard, healthy", 60);
        var tenants = (await fixture.GetAsync("/api/v1/cluster"))["tenants"]!.AsArray();
        Assert.Contains(tenants, t => (string)t!["name"]! == name);

        await using var client = await RespClient.ConnectAsync("127.0.0.1", _cluster.ProxyPort);
        Assert.False((await client.ExecuteAsync("AUTH", name, "secret-" + name)).IsError);
        Assert.False((await client.ExecuteAsync("SET", "k", "v")).IsError);
        browser.Screenshot("tenant-created");
    }

    [Fact]
    public void CreatingAnExistingTenantShowsTheProblem()
    {
        using var browser = Open("business");
        Type(browser, "#create-tenant input[name=name]", "demo");
        Type(browser, "#create-tenant input[name=password]", "whatever");
        browser.Driver.FindElement(By.CssSelector("#create-tenant button[type=submit]")).Click();
        var result = WaitForOperation(browser);
        Assert.False(result.Ok, result.Text);
        Assert.Contains("409", result.Text);
        browser.Screenshot("tenant-conflict");
    }

    [Fact]
    public async Task ChangeLimitsFromThePage()
    {
        using var browser = Open("business");
        browser.WaitFor(d => d.FindElements(By.CssSelector("#tenant-limits option[value=demo]")).Count == 1, "demo in the limits form");
        browser.Driver.FindElement(By.CssSelector("#tenant-limits option[value=demo]")).Click();
        Type(browser, "#tenant-limits input[name=qps]", "1000000");
        Type(browser, "#tenant-limits input[name=maxClients]", "5000");
        browser.Driver.FindElement(By.CssSelector("#tenant-limits button[type=submit]")).Click();
        var result = WaitForOperation(browser);
        Assert.True(result.Ok, result.Text);
        browser.WaitFor(_ => Rows(browser, "#tenants").Any(r => r[0] == "demo" && r[10] == "1000000" && r[11] == "5000"), "the new limits in the tenants table");
        var demo = (await fixture.GetAsync("/api/v1/cluster"))["tenants"]!.AsArray().Single(t => (string)t!["name"]! == "demo")!;
        Assert.Equal(1000000, (int)demo["limits"]!["qps"]!);
        Assert.Equal(5000, (int)demo["limits"]!["maxClients"]!);
        browser.Screenshot("limits-changed");
    }

    [Fact]
    public async Task SwitchoverFromThePage()
    {
        using var browser = Open("business");
        // Columns: tenant, shard, master, replicas, health.
        var shard = browser.WaitFor(_ => Rows(browser, "#shards").FirstOrDefault(r => r[0] == "demo" && r[1] == "1" && r[4] == "healthy"), "demo's shard 1, healthy");
        var (oldMaster, replica) = (shard![2], shard[3]);
        long doneBefore = fixture.Writer.Done;
        browser.Driver.FindElement(By.CssSelector("button.switchover[data-tenant=demo][data-shard='1']")).Click();
        var result = WaitForOperation(browser, 30);
        Assert.True(result.Ok, result.Text);
        Assert.Contains($"master is now {replica} (was {oldMaster})", result.Text);
        browser.WaitFor(_ => Rows(browser, "#shards").Any(r => r[0] == "demo" && r[1] == "1" && r[2] == replica && r[3] == oldMaster), "the replica to be master in the shards table");
        var demo = (await fixture.GetAsync("/api/v1/cluster"))["tenants"]!.AsArray().Single(t => (string)t!["name"]! == "demo")!;
        Assert.Equal(replica, (string)demo["shards"]![1]!["master"]!);
        browser.WaitFor(_ => fixture.Writer.Done > doneBefore + 100, "writes to go on after the switchover");
        browser.Screenshot("switchover");
    }

    [Fact]
    public void ScaleOutAndBackFromThePage()
    {
        using var browser = Open("business");
        browser.WaitFor(d => d.FindElements(By.CssSelector("#scale-tenant option[value=demo]")).Count == 1, "demo in the scale form");
        browser.Driver.FindElement(By.CssSelector("#scale-tenant option[value=demo]")).Click();
        foreach (int shards in new[] { 3, 2 })
        {
            long doneBefore = fixture.Writer.Done;
            Type(browser, "#scale-tenant input[name=shards]", shards.ToString());
            browser.Driver.FindElement(By.CssSelector("#scale-tenant button[type=submit]")).Click();
            var result = WaitForOperation(browser, 30);
            Assert.True(result.Ok, result.Text);
            browser.WaitFor(_ => Text(browser, "scale-progress").Contains("done, step") && Text(browser, "scale-progress").Contains($"of target {shards};"),
                $"the progress line to say the scaling to {shards} is done", 60);
            browser.WaitFor(_ => Rows(browser, "#shards").Count(r => r[0] == "demo") == shards, $"{shards} shards of demo in the shards table");
            browser.WaitFor(_ => fixture.Writer.Done > doneBefore + 100, "writes to go on while scaling");
            browser.Screenshot($"scaled-to-{shards}");
        }
    }

    [Fact]
    public void PageWithoutTheTokenSaysSo()
    {
        using var browser = BrowserSession.Start();
        browser.Driver.Navigate().GoToUrl(_cluster.Dashboard);
        browser.WaitFor(_ => Text(browser, "status").StartsWith("unauthorized"), "the status line to ask for the token");
        browser.Screenshot("no-token");
    }

    private BrowserSession Open(string view)
    {
        var browser = BrowserSession.Start();
        try
        {
            browser.Driver.Navigate().GoToUrl(fixture.DashboardWithToken);
            browser.Driver.FindElement(By.Id("tab-" + view)).Click();
            browser.WaitFor(_ => Text(browser, "status").StartsWith("live"), "the dashboard to go live");
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    /// <summary>Shows machine, business and platform a second each, <paramref name="rounds"/> times (ending on platform).</summary>
    private static void ShowEachViewInTurn(BrowserSession browser, int rounds)
    {
        for (int i = 0; i < rounds * Views.Length; i++)
        {
            browser.Driver.FindElement(By.Id("tab-" + Views[i % Views.Length])).Click();
            Thread.Sleep(1000);
        }
    }

    /// <summary>The page's elements and its JS heap after a full GC (chromium runs with --expose-gc and precise memory info).</summary>
    private static (long Elements, long HeapBytes) PageSize(BrowserSession browser)
    {
        var size = (IReadOnlyList<object>)browser.Script("window.gc(); return [document.getElementsByTagName('*').length, performance.memory.usedJSHeapSize]")!;
        return (Convert.ToInt64(size[0]), Convert.ToInt64(size[1]));
    }

    private static string Text(BrowserSession browser, string id) => browser.Driver.FindElement(By.Id(id)).Text;

    private static void Type(BrowserSession browser, string selector, string text)
    {
        var input = browser.Driver.FindElement(By.CssSelector(selector));
        input.Clear();
        input.SendKeys(text);
    }

    /// <summary>The "last operation" box once the operation has answered.</summary>
    private static (bool Ok, string Text) WaitForOperation(BrowserSession browser, double seconds = 20)
    {
        var element = browser.WaitFor(d => d.FindElement(By.Id("operation-result")) is var e && e.GetDomAttribute("class") is "result ok" or "result failed" ? e : null,
            "the operation to answer", seconds);
        return (element!.GetDomAttribute("class") == "result ok", element.Text);
    }

    private static List<string[]> Rows(BrowserSession browser, string table) =>
        ((IEnumerable<object>)browser.Script($"return [...document.querySelectorAll('{table} tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))")!)
        .Select(row => ((IEnumerable<object>)row!).Select(cell => (string)cell).ToArray())
        .ToList();

    /// <summary>The chart holds points and they are in view: its y range's top is above the empty chart's 1 (every charted metric is above 1 under load).</summary>
    private static bool Drawn(BrowserSession browser, string chart) =>
        Convert.ToInt64(browser.Script($"return window.istoreCharts['{chart}'].points")) >= MinPoints
        && Convert.ToDouble(browser.Script($"return window.istoreCharts['{chart}'].scaleMax")) > 1;

    private static long Series(BrowserSession browser, string chart) => Convert.ToInt64(browser.Script($"return window.istoreCharts['{chart}'].series"));
}
