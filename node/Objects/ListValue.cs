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

    /// <summary>Walks positions <paramref name="first"/>..<paramref name="last"/> (inclusive, inside the list) in order.</summary>
    public RangeEnumerator Range(int first, int last) =>
        this is ListObject memory ? new(memory, first, last) : new(OpenCursor(first), first, last);

    /// <summary>Walks a list not held in memory from position <paramref name="first"/>: each element is a cursor's value.</summary>
    protected abstract ElementCursor OpenCursor(int first);

    public ref struct RangeEnumerator
    {
        private readonly ListObject? _memory;
        private readonly ElementCursor? _cursor;
        private readonly int _last;
        private int _index;

        internal RangeEnumerator(ListObject memory, int first, int last) => (_memory, _index, _last) = (memory, first - 1, last);

        internal RangeEnumerator(ElementCursor cursor, int first, int last) => (_cursor, _index, _last) = (cursor, first - 1, last);

        public readonly RangeEnumerator GetEnumerator() => this;

        public bool MoveNext() => ++_index <= _last && (_cursor?.MoveNext() ?? true);

        public readonly ReadOnlySpan<byte> Current => _cursor is null ? _memory![_index] : _cursor.Value;

        public readonly void Dispose() => _cursor?.Dispose();
    }

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
