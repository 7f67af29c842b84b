namespace Istore.Ha.State;

/// <summary>A set of proxy addresses that tells when it grows; thread-safe.</summary>
internal sealed class ProxyRegistry
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _proxies = new(StringComparer.Ordinal);

    public event Action? Changed;

    public IReadOnlyCollection<string> All
    {
        get
        {
            lock (_lock)
                return [.. _proxies];
        }
    }

    public void Add(string address)
    {
        bool added;
        lock (_lock)
            added = _proxies.Add(address);
        if (added)
            Changed?.Invoke();
    }
}
