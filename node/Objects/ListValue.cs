using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A list as the command handlers see it, whichever engine holds it: <see cref="ListObject"/> in
/// memory, or a disk engine's view over its elements stored at consecutive indexes.
/// </summary>
public abstract class ListValue : StoredObject
{
    public override KeyType Type => KeyType.List;

    public override string Encoding => "quicklist";

    public abstract int Count { get; }

    public override long Length => Count;

    /// <summary>The element at <paramref name="index"/> (0..Count-1).</summary>
    public abstract byte[] this[int index] { get; set; }

    public abstract void PushHead(byte[] item);

    public abstract void PushTail(byte[] item);

    public abstract byte[] PopHead();

    public abstract byte[] PopTail();

    /// <summary>Inserts so that the new element has <paramref name="index"/> (0..Count).</summary>
    public abstract void Insert(int index, byte[] item);

    /// <summary>Keeps only elements start..end (inclusive, already clamped to the list).</summary>
    public abstract void Trim(int start, int end);

    /// <summary>
    /// Removes up to <paramref name="limit"/> elements equal to <paramref name="element"/> (0 = all),
    /// the first ones met from the head, or from the tail; one pass however many go (LREM).
    /// </summary>
    public abstract int RemoveEqual(ReadOnlySpan<byte> element, long limit, bool fromTail);

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Count);
        for (int i = 0; i < Count; i++)
            writer.WriteBytes(this[i]);
    }

    /// <summary>The elements that stay when LREM removes <paramref name="element"/>, in list order; <paramref name="removed"/> says how many went.</summary>
    protected List<byte[]> Kept(ReadOnlySpan<byte> element, long limit, bool fromTail, out int removed)
    {
        var kept = new List<byte[]>(Count);
        removed = 0;
        for (int n = 0; n < Count; n++)
        {
            var item = this[fromTail ? Count - 1 - n : n];
            if ((limit == 0 || removed < limit) && element.SequenceEqual(item))
                removed++;
            else
                kept.Add(item);
        }
        if (fromTail)
            kept.Reverse();
        return kept;
    }
}
