using Istore.Ha.Hosting;
using Istore.Ha.Monitoring;
using Istore.Ha.Operations;
using Istore.Ha.Scaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Istore.Ha.Admin;

/// <summary>
/// /api/v1: the cluster and its history (the dashboard's data), tenants (create, change limits
/// and flags, delete), switchover, scaling, relocation, rolling upgrade, the node pool and the event log. Mutations are recorded; a
/// failed one answers a problem detail with its reason and changes nothing.
/// </summary>
public static class AdminApi
{
    public static void Map(WebApplication app, HaServer ha, Sampler sampler, AdminOperations operations, NodePool pool, EventLog events)
    {
        var (tenants, scaler, relocation, upgrade) = operations;
        app.MapGet("/metrics", () => Results.Text(MetricsText.Render(ClusterViews.Cluster(ha, sampler), sampler.Tenants), "text/plain; version=0.0.4"));
        var api = app.MapGroup("/api/v1");
        api.MapGet("/cluster", () => ClusterViews.Cluster(ha, sampler));
        api.MapGet("/history", (int? seconds) => ClusterViews.History(sampler, seconds ?? 300));
        api.MapGet("/events", () => events.All());
        api.MapPost("/tenants", (HttpContext context, CreateTenantRequest request) => Mutate(context, events, $"create tenant {request.Name}",
            async () => Results.Created($"/api/v1/tenants/{request.Name}", await tenants.CreateAsync(request, context.RequestAborted))));
        api.MapPatch("/tenants/{name}", (HttpContext context, string name, PatchTenantRequest request) => Mutate(context, events, $"change tenant {name}",
            async () => Results.Ok(await tenants.PatchAsync(name, request))));
        api.MapDelete("/tenants/{name}", (HttpContext context, string name) => Mutate(context, events, $"delete tenant {name}",
            async () => { await tenants.DeleteAsync(name); return Results.NoContent(); }));
        api.MapPost("/tenants/{name}/shards/{shard:int}/failover", (HttpContext context, string name, int shard) => Mutate(context, events, $"switch over {name}/{shard}",
            async () => { await tenants.SwitchoverAsync(name, shard); return Results.Ok(ClusterViews.Cluster(ha, sampler).Tenants.First(t => t.Name == name)); }));
        api.MapPost("/tenants/{name}/scale", (HttpContext context, string name, ScaleRequest request) => Mutate(context, events, $"scale tenant {name} to {request.Shards} shards",
            () => Task.FromResult(Results.Accepted($"/api/v1/tenants/{name}/scale", scaler.Start(name, request.Shards)))));
        api.MapGet("/tenants/{name}/scale", (string name) => Query(() => scaler.Progress(name)));
        api.MapDelete("/tenants/{name}/scale", (HttpContext context, string name) => Mutate(context, events, $"cancel scaling of tenant {name}",
            () => Task.FromResult(Results.Accepted($"/api/v1/tenants/{name}/scale", scaler.Cancel(name)))));
        api.MapPost("/tenants/{name}/shards/{shard:int}/relocate", (HttpContext context, string name, int shard, RelocateRequest request) => Mutate(context, events,
            $"relocate {name}/{shard} to {request.To ?? "a new node"}", async () => Results.Ok(await relocation.RelocateAsync(name, shard, request.To, context.RequestAborted))));
        api.MapPost("/upgrade", (HttpContext context, UpgradeRequest request) => Mutate(context, events, $"upgrade the nodes to {request.NodeBinary ?? "(unchanged)"}, the proxies to {request.ProxyBinary ?? "(unchanged)"}",
            () => Task.FromResult(Results.Accepted("/api/v1/upgrade", upgrade.Start(request.NodeBinary, request.ProxyBinary)))));
        api.MapGet("/upgrade", () => upgrade.Progress);
        api.MapPost("/nodes", (HttpContext context, string address, string? engine) => Mutate(context, events, $"register node {address}", () =>
        {
            try
            {
                pool.Register(address, engine ?? "memory");
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new AdminException(ex is ArgumentException ? 400 : 409, ex.Message);
            }
            return Task.FromResult(Results.Created($"/api/v1/nodes/{address}", address));
        }));
    }

    /// <summary>Runs a mutation, records it (who, what, result) and turns an <see cref="AdminException"/> into its problem detail.</summary>
    private static async Task<IResult> Mutate(HttpContext context, EventLog events, string what, Func<Task<IResult>> run)
    {
        string who = context.Connection.RemoteIpAddress?.ToString() ?? "?";
        try
        {
            var result = await run();
            events.Record(who, what, "done", ok: true);
            return result;
        }
        catch (AdminException ex)
        {
            events.Record(who, what, ex.Message, ok: false);
            return Results.Problem(statusCode: ex.Status, title: ReasonPhrases(ex.Status), detail: ex.Message);
        }
    }

    private static IResult Query<T>(Func<T> read)
    {
        try
        {
            return Results.Ok(read());
        }
        catch (AdminException ex)
        {
            return Results.Problem(statusCode: ex.Status, title: ReasonPhrases(ex.Status), detail: ex.Message);
        }
    }

    private static string ReasonPhrases(int status) => status switch
    {
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
}
