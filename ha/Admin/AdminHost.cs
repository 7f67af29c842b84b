using System.Net;
using System.Security.Cryptography;
using System.Text;
using Istore.Ha.Hosting;
using Istore.Ha.Monitoring;
using Istore.Ha.Operations;
using Istore.Ha.Scaling;
using Endpoint = Istore.Net.Routes.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Istore.Ha.Admin;

/// <summary>
/// The admin HTTP address: the JSON API under /api/v1 and /metrics (bearer token), the OpenAPI
/// document and the dashboard (its page is public; it reads the token from the URL's fragment and
/// sends it with every API call). Kestrel on the slim builder, JSON by source generation.
/// </summary>
public sealed class AdminHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    public AdminHost(HaServer ha, Endpoint listen, string token, INodeAllocator? allocator, IUpgradeHost? upgradeHost = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Kestrel's own messages only when something is wrong; HA logs what it decides itself.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A body that does not parse throws, so the problem detail can say why (the default is a bare 400).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad)
                context.ProblemDetails.Detail = bad.InnerException?.Message ?? bad.Message;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJson.Default));
        builder.Services.AddOpenApi();
        builder.WebHost.ConfigureKestrel(k => k.Listen(listen.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(listen.Host), listen.Port));
        _app = builder.Build();
        _app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : 500 });
        _app.UseStatusCodePages();   // with AddProblemDetails: any bare error status gets a problem detail too
        byte[] expected = Encoding.UTF8.GetBytes("Bearer " + token);
        _app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            bool guarded = path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics");
            if (guarded && !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), expected))
            {
                await Results.Problem(statusCode: 401, title: "Unauthorized", detail: "send Authorization: Bearer <admin token>").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        _app.MapOpenApi("/openapi/v1.json");
        Dashboard.DashboardFiles.Map(_app);
        Sampler = new Sampler(ha.Store, ha.Prober, () => ha.ProxyEntries);
        Pool = new NodePool();
        Scaler = new Scaler(ha, allocator ?? Pool, ha.Logger);
        var operations = new AdminOperations(new TenantOperations(ha, allocator ?? Pool), Scaler, new Relocation(ha, allocator ?? Pool), new RollingUpgrade(ha, upgradeHost));
        AdminApi.Map(_app, ha, Sampler, operations, Pool, Events);
        Address = $"http://{listen.Host}:{listen.Port}/";
    }

    public Sampler Sampler { get; }

    public NodePool Pool { get; }

    public Scaler Scaler { get; }

    public EventLog Events { get; } = new();

    /// <summary>"http://host:port/".</summary>
    public string Address { get; }

    public async Task StartAsync()
    {
        await _app.StartAsync();
        Sampler.Start();
    }

    public async ValueTask DisposeAsync()
    {
        Sampler.Dispose();
        Scaler.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
