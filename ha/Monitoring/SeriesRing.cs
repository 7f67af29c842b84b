namespace Istore.Ha.Monitoring;

/// <summary>
/// A fixed window of per-second points for many named series (one ring each, allocated once), so
/// HA's memory does not grow however long it samples. Not thread-safe: the sampler owns it and
/// readers copy under its lock.
/// </summary>
internal sealed class SeriesRing(int capacity)
{
    private readonly long[] _times = new long[capacity];
    private readonly Dictionary<string, double[]> _series = new(StringComparer.Ordinal);
    private int _count;
    private int _next;

    /// <summary>Starts the point of <paramref name="unixMs"/>; series not set in it read 0.</summary>
    public void BeginPoint(long unixMs)
    {
        _times[_next] = unixMs;
        foreach (var values in _series.Values)
            values[_next] = 0;
        _count = Math.Min(_count + 1, capacity);
    }

    public void Set(string series, double value)
    {
        if (!_series.TryGetValue(series, out var values))
            _series[series] = values = new double[capacity];
        values[_next] = value;
    }

    public void EndPoint() => _next = (_next + 1) % capacity;

    /// <summary>The last <paramref name="points"/> times, oldest first.</summary>
    public List<long> Times(int points) => Last(points, i => _times[i]);

    /// <summary>The last <paramref name="points"/> values of every series whose name starts with <paramref name="prefix"/> (prefix removed).</summary>
    public Dictionary<string, List<double>> Series(string prefix, int points) =>
        _series.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key[prefix.Length..], s => Last(points, i => s.Value[i]));

    private List<T> Last<T>(int points, Func<int, T> at)
    {
        int n = Math.Min(points, _count);
        var list = new List<T>(n);
        for (int k = n; k > 0; k--)
            list.Add(at(((_next - k) % capacity + capacity) % capacity));
        return list;
    }
}
