using Istore.Ha.Config;
using Istore.Ha.Hosting;
using Istore.Net.Routes;

namespace Istore.Ha.Admin;

/// <summary>
/// Tenant changes through the admin API, each one commit of the next topology version on HA's
/// decision loop (so it never races a failover): HA's fencing then makes the new nodes follow
/// their masters and the route hub pushes the table. Nothing half-applied: nodes started for a
/// tenant that could not be committed are released. Failures are <see cref="AdminException"/>s
/// with the HTTP status to answer.
/// </summary>
public sealed class TenantOperations(HaServer ha, INodeAllocator allocator)
{
    private const int MaxShards = 64;
    private const int MaxReplicas = 4;

    public async Task<TenantConfig> CreateAsync(CreateTenantRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
            throw new AdminException(400, "a tenant needs a name of letters, digits, '-' or '_'");
        if (string.IsNullOrEmpty(request.Password))
            throw new AdminException(400, "a tenant needs a password");
        if (request.Shards is < 1 or > MaxShards || request.Replicas is < 0 or > MaxReplicas)
            throw new AdminException(400, $"shards must be 1..{MaxShards} and replicas 0..{MaxReplicas}");
        if (request.Engine is not ("memory" or "disk"))
            throw new AdminException(400, "engine must be memory or disk");
        CheckFree(ha.Store.Current, request.Name, request.Password);
        List<string> nodes;
        try
        {
            nodes = await allocator.AllocateAsync(request.Shards * (1 + request.Replicas), request.Engine, ct);
        }
        catch (InvalidOperationException ex)
        {
            throw new AdminException(409, ex.Message);
        }
        var tenant = new TenantConfig
        {
            Name = request.Name,
            Password = request.Password,
            Shards = nodes.Chunk(1 + request.Replicas).Select(group => new ShardConfig { Master = group[0], Replicas = [.. group[1..]] }).ToList(),
        };
        try
        {
            await CommitAsync(config =>
            {
                CheckFree(config, request.Name, request.Password);
                config.Tenants.Add(tenant);
            });
        }
        catch
        {
            await allocator.ReleaseAsync(nodes);
            throw;
        }
        return tenant;
    }

    public async Task DeleteAsync(string name)
    {
        TenantConfig? removed = null;
        await CommitAsync(config =>
        {
            removed = Find(config, name);
            config.Tenants.Remove(removed);
        });
        await allocator.ReleaseAsync(removed!.Shards.SelectMany(s => s.Replicas.Prepend(s.Master)));
    }

    public async Task<TenantConfig> PatchAsync(string name, PatchTenantRequest request)
    {
        if (request.Limits is { } l && (l.MaxClients < 0 || l.Qps < 0 || l.MaxInFlight < 0 || l.BackendTimeoutMs < 0 || l.BackendConnections is < 1 or > 64))
            throw new AdminException(400, "limits must not be negative and backendConnections must be 1..64");
        TenantConfig? patched = null;
        await CommitAsync(config =>
        {
            patched = Find(config, name);
            patched.Limits = request.Limits ?? patched.Limits;
            patched.Flags = request.Flags ?? patched.Flags;
        });
        return patched!;
    }

    public async Task SwitchoverAsync(string name, int shard)
    {
        Find(ha.Store.Current, name);
        if (await ha.Coordinator.SwitchoverAsync(name, shard, null) is { } error)
            throw new AdminException(error.Contains("no shard", StringComparison.Ordinal) ? 404 : 409, error.StartsWith("ERR ", StringComparison.Ordinal) ? error[4..] : error);
    }

    private static TenantConfig Find(HaConfig config, string name) => TopologyChange.Tenant(config, name);

    private static void CheckFree(HaConfig config, string name, string password)
    {
        if (config.Tenants.Any(t => t.Name == name))
            throw new AdminException(409, $"tenant '{name}' exists");
        if (config.Tenants.Any(t => t.Password == password))
            throw new AdminException(409, "another tenant has this password (AUTH finds a tenant by its password)");
    }

    private Task CommitAsync(Action<HaConfig> change) => TopologyChange.CommitAsync(ha, change);
}

/// <summary>An admin request that cannot be done, with the HTTP status to answer and why.</summary>
public sealed class AdminException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
