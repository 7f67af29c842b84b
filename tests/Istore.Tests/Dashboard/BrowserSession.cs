using Istore.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Remote;
using OpenQA.Selenium.Support.UI;

namespace Istore.Tests.Dashboard;

/// <summary>
/// Debian's chromium, headless, driven through Debian's chromedriver, which this session starts on
/// a free loopback port and kills by PID (with the browser processes under it) on dispose. No
/// browser or driver is downloaded: both paths are given, so Selenium Manager never runs.
/// ISTORE_CHROMIUM and ISTORE_CHROMEDRIVER point at other binaries.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    private const double BlankShare = 0.99;
    private const int MinColours = 32;

    private readonly ChildProcess _chromedriver;
    private readonly string _profile = Directory.CreateTempSubdirectory("istore-chromium-").FullName;

    private BrowserSession(int width, int height)
    {
        int port = NodeProcess.FreePort();
        _chromedriver = new ChildProcess(Binary("ISTORE_CHROMEDRIVER", "/usr/bin/chromedriver"), [$"--port={port}"]);
        try
        {
            _chromedriver.WaitForOutputAsync("started successfully", TimeSpan.FromSeconds(15)).GetAwaiter().GetResult();
            var options = new ChromeOptions { BinaryLocation = Binary("ISTORE_CHROMIUM", "/usr/bin/chromium") };
            // --no-sandbox: tests run as root; a fixed scale factor keeps screenshots at the window size;
            // gc() and precise performance.memory let tests measure the page's heap.
            options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--hide-scrollbars", $"--window-size={width},{height}", "--force-device-scale-factor=1", $"--user-data-dir={_profile}",
                "--js-flags=--expose-gc", "--enable-precise-memory-info");
            Driver = new RemoteWebDriver(new Uri($"http://127.0.0.1:{port}/"), options.ToCapabilities(), TimeSpan.FromSeconds(60));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IWebDriver Driver { get; } = null!;

    public static BrowserSession Start(int width = 1400, int height = 1200) => new(width, height);

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root (scripts/test.sh's results), or ISTORE_TEST_RESULTS.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var results = Environment.GetEnvironmentVariable("ISTORE_TEST_RESULTS");
            if (string.IsNullOrEmpty(results))
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Istore.sln")))
                    dir = dir.Parent;
                results = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults");
            }
            return Directory.CreateDirectory(Path.Combine(results, "screenshots")).FullName;
        }
    }

    public object? Script(string javaScript, params object[] args) => ((IJavaScriptExecutor)Driver).ExecuteScript(javaScript, args);

    /// <summary>Polls <paramref name="condition"/> until it holds; the timeout message says what was awaited.</summary>
    public T WaitFor<T>(Func<IWebDriver, T> condition, string what, double seconds = 30)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Saves a PNG of the window as screenshots/<paramref name="name"/>.png and fails if it is blank (nearly one colour).</summary>
    public string Screenshot(string name)
    {
        var png = ((ITakesScreenshot)Driver).GetScreenshot().AsByteArray;
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        File.WriteAllBytes(path, png);
        var (share, colours) = PngImage.Decode(png).ColourSpread();
        Assert.True(share < BlankShare && colours >= MinColours,
            $"screenshot {path} is blank: {share:P1} of its pixels have one colour, {colours} colours in all");
        return path;
    }

    public void Dispose()
    {
        try
        {
            Driver?.Quit();
        }
        catch (WebDriverException)
        {
            // The browser is gone already; what is left is killed below.
        }
        // Whatever chromium left running is under chromedriver: kill it by PID, then chromedriver.
        foreach (var pid in ProcessTree.Descendants(_chromedriver.Pid))
            ChildProcess.Signal(pid, "KILL");
        _chromedriver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A dying browser may still write its profile; the temp directory is cleaned by the OS.
        }
    }

    private static string Binary(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } path ? path : fallback;
}
