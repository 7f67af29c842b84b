using System.Collections.Concurrent;

namespace Istore.Proxy.Stats;

/// <summary>The counters one event loop keeps, per tenant; other threads only read them.</summary>
internal sealed class StatsRecorder
{
    private readonly ConcurrentDictionary<string, TenantCounters> _tenants = new(StringComparer.Ordinal);

    public TenantCounters For(string tenant) => _tenants.GetOrAdd(tenant, static _ => new TenantCounters());

    public TenantCounters? Find(string tenant) => _tenants.GetValueOrDefault(tenant);
}
