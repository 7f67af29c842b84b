namespace Istore.Ha.State;

/// <summary>Registered proxies by address (the latest entry of each), telling when one joins or changes; thread-safe.</summary>
internal sealed class ProxyRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _proxies = new(StringComparer.Ordinal);

    public event Action? Changed;

    public IReadOnlyCollection<string> All
    {
        get
        {
            lock (_lock)
                return [.. _proxies.Values];
        }
    }

    /// <summary>Adds or replaces the entry of <paramref name="entry"/>'s address (see <see cref="ProxyEntry"/>).</summary>
    public void Add(string entry)
    {
        string address = entry.Split(' ')[0];
        bool changed;
        lock (_lock)
        {
            changed = _proxies.GetValueOrDefault(address) != entry;
            _proxies[address] = entry;
        }
        if (changed)
            Changed?.Invoke();
    }
}
