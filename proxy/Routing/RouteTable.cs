using System.Collections.Frozen;
using Istore.Net.Routes;
using Istore.Proxy.Config;

namespace Istore.Proxy.Routing;

/// <summary>
/// One immutable snapshot of who the tenants are and where their shards live. A reload builds a
/// new table and swaps the reference: a request routed on the old table finishes there.
/// </summary>
public sealed class RouteTable
{
    private readonly FrozenDictionary<string, TenantRoute> _byName;
    private readonly FrozenDictionary<string, TenantRoute> _byPassword;

    public RouteTable(ProxyConfig config, Endpoint listen, IEnumerable<TenantRoute> tenants, bool fromHa = false)
    {
        Config = config;
        FromHa = fromHa;
        Listen = listen;
        _byName = tenants.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        _byPassword = _byName.Values.ToFrozenDictionary(t => t.Password, StringComparer.Ordinal);
    }

    public ProxyConfig Config { get; }

    public long Version => Config.Version;

    /// <summary>Pushed by HA (a master that left the table failed or was switched over), rather than loaded from a file.</summary>
    public bool FromHa { get; }

    public Endpoint Listen { get; }

    public IEnumerable<TenantRoute> Tenants => _byName.Values;

    public TenantRoute? Find(string name) => _byName.GetValueOrDefault(name);

    public TenantRoute? FindByPassword(string password) => _byPassword.GetValueOrDefault(password);
}

/// <summary>One tenant as the current table routes it.</summary>
public sealed class TenantRoute(TenantConfig config, Endpoint[] shards)
{
    public string Name => config.Name;

    public string Password => config.Password;

    public TenantLimits Limits => config.Limits;

    /// <summary>One request at a time per connection when pipelining is off.</summary>
    public int MaxInFlight => config.Flags.Pipelining ? Math.Max(1, config.Limits.MaxInFlight) : 1;

    /// <summary>Each shard's master, in the configured order.</summary>
    public Endpoint[] Shards { get; } = shards;

    /// <summary>The AUTH password for <paramref name="shard"/>'s nodes (null: none).</summary>
    public string? BackendPassword(int shard) => config.Shards[shard].Password ?? config.BackendPassword;

    /// <summary>Keys moving between shards (a scale step), or null.</summary>
    public ShardMigration? Migration => config.Migration;

    /// <summary>The shard that serves <paramref name="key"/>: where it lives, or where it is moving to.</summary>
    public int ShardOf(ReadOnlySpan<byte> key) => KeyHash.Shard(key, config.Migration?.To ?? Shards.Length);

    /// <summary>While keys move: the shard <paramref name="key"/> may still be on (equal to <see cref="ShardOf"/> when it does not move).</summary>
    public int SourceOf(ReadOnlySpan<byte> key) => KeyHash.Shard(key, config.Migration!.From);
}
