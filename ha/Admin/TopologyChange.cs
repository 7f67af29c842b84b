using Istore.Ha.Config;
using Istore.Ha.Hosting;
using Istore.Net.Routes;

namespace Istore.Ha.Admin;

/// <summary>
/// How the admin operations change the topology: the next version, built from a copy and checked,
/// committed on HA's decision loop (so it never races a failover). Refusals are
/// <see cref="AdminException"/>s: 400 for a topology that breaks a rule, 404 for an unknown
/// tenant, 409 when this process does not lead or another change won.
/// </summary>
public static class TopologyChange
{
    public static HaConfig Next(HaConfig current, Action<HaConfig> change)
    {
        var next = HaConfigLoader.Parse(HaConfigLoader.Serialize(current));
        change(next);
        next.Version = current.Version + 1;
        try
        {
            HaConfigLoader.Check(next);
        }
        catch (InvalidDataException ex)
        {
            throw new AdminException(400, ex.Message);
        }
        return next;
    }

    /// <summary>Commits the next version; with <paramref name="waitApplied"/>, returns once the proxies applied it (or their wait ran out).</summary>
    public static Task CommitAsync(HaServer ha, Action<HaConfig> change, bool waitApplied = false) => ha.Coordinator.RunOnLoopAsync(async () =>
    {
        if (!ha.Store.IsLeader)
            throw new AdminException(409, "this HA process does not lead; the leader is " + ha.Store.Leader);
        var next = Next(ha.Store.Current, change);
        if (!await ha.Store.TryCommitAsync(next, CancellationToken.None).ConfigureAwait(false))
            throw new AdminException(409, "the topology changed meanwhile, or this process no longer leads; nothing was changed");
        if (waitApplied)
            await ha.Routes.WaitAppliedAsync(next.Version, ha.Options.RouteApplyWaitMs).ConfigureAwait(false);
        return true;
    });

    public static TenantConfig Tenant(HaConfig config, string name) =>
        config.Tenants.FirstOrDefault(t => t.Name == name) ?? throw new AdminException(404, $"no tenant '{name}'");
}
