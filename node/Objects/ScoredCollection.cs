using System.Runtime.CompilerServices;

namespace Istore.Node.Objects;

/// <summary>
/// A sorted set's storage: member → score in a <see cref="ScanTable{TEntry}"/> for
/// O(1) lookups, and the same [member][score] arrays in an <see cref="OrderTree{T, TOrder}"/> kept
/// in <typeparamref name="TOrder"/>. A score change makes a new array, since the tree may hold the
/// old one as a separator.
/// </summary>
public abstract class ScoredCollection<TOrder> : StoredObject where TOrder : struct, IComparer<byte[]>
{
    protected ScoredCollection(int capacity) => Members = new ScanTable<ScoredMember>(capacity);

    public ScanTable<ScoredMember> Members { get; }

    public OrderTree<byte[], TOrder> Ordered { get; } = new();

    public override long Length => Members.Count;

    public int Count => Members.Count;

    public bool Contains(ReadOnlySpan<byte> member) => Members.Contains(member);

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        ref var entry = ref Members.Find(member);
        if (Unsafe.IsNullRef(ref entry))
        {
            score = 0;
            return false;
        }
        score = entry.Score;
        return true;
    }

    /// <summary>Sets a member's score; true when the member is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        ref var entry = ref Members.FindOrAdd(member, out bool added);
        if (!added)
        {
            if (entry.Score == score)
                return false;
            Ordered.Remove(entry.Blob);
        }
        entry = new ScoredMember(ScoredMember.Pack(member, score));
        Ordered.Add(entry.Blob);
        return added;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (!Members.Remove(member, out var removed))
            return false;
        Ordered.Remove(removed.Blob);
        return true;
    }

    /// <summary>The 0-based rank in <typeparamref name="TOrder"/>, or -1.</summary>
    public int RankOf(ReadOnlySpan<byte> member)
    {
        ref var entry = ref Members.Find(member);
        return Unsafe.IsNullRef(ref entry) ? -1 : Ordered.RankOf(entry.Blob);
    }

    /// <summary>Adds an entry whose member is known to be absent; blobs are immutable, so another collection's may be shared.</summary>
    public void AddNew(byte[] blob)
    {
        Members.AddNew(new ScoredMember(blob));
        Ordered.Add(blob);
    }
}
