namespace Istore.Net.Routes;

/// <summary>
/// Checks tenants as a route table lists them; a mistake is an <see cref="InvalidDataException"/>
/// with a message an operator can act on. Returns each tenant's shard masters, in order.
/// A node (master or replica) belongs to one shard of one tenant: tenants share no keyspace (a
/// FLUSHDB of one would empty the other), and a node cannot follow two masters.
/// </summary>
public static class TenantValidation
{
    public static List<(TenantConfig Tenant, Endpoint[] Masters)> Check(IEnumerable<TenantConfig> tenants)
    {
        var checkedTenants = new List<(TenantConfig, Endpoint[])>();
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in tenants)
        {
            if (string.IsNullOrWhiteSpace(t.Name) || t.Name.Any(char.IsWhiteSpace))
                throw new InvalidDataException("every tenant needs a name without spaces");
            if (!names.Add(t.Name))
                throw new InvalidDataException($"tenant '{t.Name}' is declared twice");
            // AUTH password finds the tenant by its password alone, so passwords must be unique.
            if (string.IsNullOrEmpty(t.Password) || !passwords.Add(t.Password))
                throw new InvalidDataException($"tenant '{t.Name}' needs a password of its own");
            if (t.Shards.Count == 0)
                throw new InvalidDataException($"tenant '{t.Name}' has no shards");
            if (t.Limits.MaxClients < 0 || t.Limits.Qps < 0 || t.Limits.MaxInFlight < 0 || t.Limits.BackendTimeoutMs < 0
                || t.Limits.BackendConnections is < 1 or > 64)
                throw new InvalidDataException($"tenant '{t.Name}' has a negative limit or a backendConnections outside 1..64");
            if (t.Migration is { } m && (m.From < 1 || m.To < 1 || m.From == m.To || Math.Max(m.From, m.To) != t.Shards.Count))
                throw new InvalidDataException($"tenant '{t.Name}' migrates from {m.From} to {m.To} shards but lists {t.Shards.Count} (it must list the larger count)");
            var masters = new Endpoint[t.Shards.Count];
            for (int i = 0; i < masters.Length; i++)
            {
                if (!Endpoint.TryParse(t.Shards[i].Master, out masters[i]))
                    throw new InvalidDataException($"tenant '{t.Name}' shard {i}: master '{t.Shards[i].Master}' is not host:port");
                string here = $"tenant '{t.Name}' shard {i}";
                ClaimNode(owners, masters[i], here);
                foreach (var replica in t.Shards[i].Replicas)
                {
                    if (!Endpoint.TryParse(replica, out var endpoint))
                        throw new InvalidDataException($"{here}: replica '{replica}' is not host:port");
                    ClaimNode(owners, endpoint, here);
                }
            }
            checkedTenants.Add((t, masters));
        }
        return checkedTenants;
    }

    private static void ClaimNode(Dictionary<string, string> owners, Endpoint node, string here)
    {
        if (!owners.TryAdd(node.ToString(), here))
            throw new InvalidDataException($"node {node} is listed twice: in {owners[node.ToString()]} and in {here}");
    }
}
