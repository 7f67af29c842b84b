using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Istore.Ha.Dashboard;
using Istore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Istore.Tests.Dashboard;

/// <summary>
/// DashboardFiles on its own web host: every file the page loads is embedded and served with its
/// type and ETag, and the page runs in a real browser (with no API behind it, it says so).
/// </summary>
public sealed partial class DashboardFilesTests : IAsyncLifetime
{
    private const int ChartScriptLimitGzipped = 50 * 1024;

    private readonly int _port = NodeProcess.FreePort();
    private WebApplication _app = null!;
    private readonly HttpClient _http = new();

    private string Base => $"http://127.0.0.1:{_port}";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Base);
        _app = builder.Build();
        DashboardFiles.Map(_app);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task PageIsServedWithItsPolicy()
    {
        using var response = await _http.GetAsync(Base + "/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Contains("/assets/main.js", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryReferencedAssetIsServedWithItsType()
    {
        var assets = await ReferencedAssetsAsync();
        Assert.Contains("uPlot.iife.min.js", assets);
        Assert.Contains("uPlot.min.css", assets);
        foreach (var asset in assets)
        {
            using var response = await _http.GetAsync($"{Base}/assets/{asset}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {response.StatusCode}");
            var expected = asset.EndsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            Assert.Equal(expected, response.Content.Headers.ContentType!.ToString());
            Assert.NotNull(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task ChartScriptsStayUnderTheirGzippedBudget()
    {
        long total = 0;
        foreach (var asset in (await ReferencedAssetsAsync()).Where(a => a.EndsWith(".js")))
        {
            var bytes = await _http.GetByteArrayAsync($"{Base}/assets/{asset}");
            using var gzipped = new MemoryStream();
            using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
                gzip.Write(bytes);
            total += gzipped.Length;
        }
        Assert.True(total <= ChartScriptLimitGzipped, $"the page's JavaScript is {total} bytes gzipped");
    }

    [Fact]
    public async Task UnchangedFilesAnswerNotModified()
    {
        using var first = await _http.GetAsync($"{Base}/assets/uPlot.iife.min.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/assets/uPlot.iife.min.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task HeadAnswersWithoutABody()
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Base + "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UnknownAssetIsNotFound()
    {
        using var response = await _http.GetAsync($"{Base}/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void PageRunsInChromiumAndSaysTheApiIsMissing()
    {
        using var browser = BrowserSession.Start();
        browser.Driver.Navigate().GoToUrl(Base + "/#token=not-checked-here");
        var status = browser.WaitFor(d => d.FindElement(OpenQA.Selenium.By.Id("status")).Text is var s && s.StartsWith("API") ? s : null, "the status line to report the missing API");
        Assert.Contains("404", status);
        Assert.Equal(5L, browser.Script("return Object.keys(window.istoreCharts).length"));
        Assert.Equal("not-checked-here", browser.Script("return sessionStorage.getItem('istore.adminToken')"));
        Assert.DoesNotContain("token", browser.Driver.Url);
        browser.Screenshot("dashboard-without-api");
    }

    // The page's own stylesheets and scripts, and the modules they import.
    private async Task<HashSet<string>> ReferencedAssetsAsync()
    {
        var found = new HashSet<string>();
        var pending = new Queue<string>([await _http.GetStringAsync(Base + "/")]);
        while (pending.TryDequeue(out var text))
            foreach (Match m in AssetReference().Matches(text))
                if (found.Add(m.Groups[1].Value) && m.Groups[1].Value.EndsWith(".js"))
                    pending.Enqueue(await _http.GetStringAsync($"{Base}/assets/{m.Groups[1].Value}"));
        return found;
    }

    [GeneratedRegex("""(?:/assets/|from '\./)([A-Za-z0-9_.\-]+\.(?:js|css))""")]
    private static partial Regex AssetReference();
}
