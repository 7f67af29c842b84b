using Istore.Net.Routes;

namespace Istore.Ha.Admin;

/// <summary>
/// Nodes an operator registered (POST /api/v1/nodes) for new tenants, by engine. Allocation
/// hands out registered nodes no tenant uses; released nodes return to the pool.
/// </summary>
public sealed class NodePool : INodeAllocator
{
    private readonly Lock _lock = new();
    private readonly List<(string Address, string Engine)> _free = [];
    private readonly Dictionary<string, string> _engines = [];

    public void Register(string address, string engine)
    {
        if (!Endpoint.TryParse(address, out _))
            throw new ArgumentException($"'{address}' is not host:port");
        lock (_lock)
        {
            if (_engines.ContainsKey(address))
                throw new InvalidOperationException($"node {address} is registered already");
            _free.Add((address, engine));
            _engines[address] = engine;
        }
    }

    public List<(string Address, string Engine)> Free()
    {
        lock (_lock)
            return [.. _free];
    }

    public Task<List<string>> AllocateAsync(int count, string engine, CancellationToken ct)
    {
        lock (_lock)
        {
            var picked = _free.Where(f => f.Engine == engine).Take(count).ToList();
            if (picked.Count < count)
                throw new InvalidOperationException($"the pool has {picked.Count} free {engine} node(s), {count} needed: register more with POST /api/v1/nodes");
            foreach (var p in picked)
                _free.Remove(p);
            return Task.FromResult(picked.Select(p => p.Address).ToList());
        }
    }

    public Task ReleaseAsync(IEnumerable<string> nodes)
    {
        lock (_lock)
            _free.AddRange(nodes.Where(_engines.ContainsKey).Select(n => (n, _engines[n])));
        return Task.CompletedTask;
    }
}
