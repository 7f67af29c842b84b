namespace Istore.Node.Objects.Streams;

/// <summary>Pending entries in ID order.</summary>
public struct PendingOrder : IComparer<PendingEntry>
{
    public readonly int Compare(PendingEntry? x, PendingEntry? y) => x!.Id.CompareTo(y!.Id);
}

/// <summary>A pending-entries list in memory: entries in ID order with O(log n) lookup, insert and removal.</summary>
public sealed class PendingTree : PendingList
{
    private readonly OrderTree<PendingEntry, PendingOrder> _tree = new();

    public override int Count => _tree.Count;

    public override PendingEntry? Find(StreamId id)
    {
        int rank = RankAtOrAfter(id);
        if (rank == _tree.Count)
            return null;
        var entry = _tree[rank];
        return entry.Id == id ? entry : null;
    }

    public override void Add(PendingEntry entry) => _tree.Add(entry);

    public override void Remove(PendingEntry entry) => _tree.Remove(entry);

    public override PendingEntry Last() => _tree[_tree.Count - 1];

    /// <summary>The rank of the first entry with an ID ≥ <paramref name="id"/> (Count when none).</summary>
    private int RankAtOrAfter(StreamId id) => _tree.CountBelow(new Below(id));

    public override IEnumerable<PendingEntry> From(StreamId start)
    {
        int rank = RankAtOrAfter(start);
        if (rank == _tree.Count)
            yield break;
        var walker = _tree.Walk(rank);
        do
            yield return walker.Current;
        while (walker.MoveNext());
    }

    private readonly struct Below(StreamId id) : IOrderBound<PendingEntry>
    {
        public bool IsBelow(PendingEntry item) => item.Id < id;
    }
}
