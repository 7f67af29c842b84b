using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A list: a ring buffer of elements, so pushes and pops at both ends and access by index are
/// O(1); inserting or removing in the middle moves the shorter side, as a deque does.
/// </summary>
public sealed class ListObject : StoredObject
{
    private byte[][] _items;
    private int _head;

    public ListObject(int capacity = 4) => _items = new byte[PowerOfTwo(capacity)][];

    public int Count { get; private set; }

    public override KeyType Type => KeyType.List;

    public override long Length => Count;

    public override string Encoding => "quicklist";

    public byte[] this[int index]
    {
        get => _items[Physical(index)];
        set => _items[Physical(index)] = value;
    }

    public void PushHead(byte[] item)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = item;
        Count++;
    }

    public void PushTail(byte[] item)
    {
        Grow();
        _items[Physical(Count)] = item;
        Count++;
    }

    public byte[] PopHead()
    {
        var item = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        ShrinkIfSparse();
        return item;
    }

    public byte[] PopTail()
    {
        int last = Physical(Count - 1);
        var item = _items[last];
        _items[last] = null!;
        Count--;
        ShrinkIfSparse();
        return item;
    }

    /// <summary>Inserts so that the new element has <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] item)
    {
        if (index == 0)
        {
            PushHead(item);
            return;
        }
        PushTail(item);
        for (int i = Count - 1; i > index; i--)
            this[i] = this[i - 1];
        this[index] = item;
    }

    public void RemoveAt(int index)
    {
        if (index < Count / 2)
        {
            for (int i = index; i > 0; i--)
                this[i] = this[i - 1];
            PopHead();
        }
        else
        {
            for (int i = index; i < Count - 1; i++)
                this[i] = this[i + 1];
            PopTail();
        }
    }

    /// <summary>Keeps only elements start..end (inclusive, already clamped to the list).</summary>
    public void Trim(int start, int end)
    {
        var kept = new byte[PowerOfTwo(end - start + 1)][];
        int count = 0;
        for (int i = start; i <= end; i++)
            kept[count++] = this[i];
        Replace(kept, count);
    }

    /// <summary>
    /// Removes up to <paramref name="limit"/> elements equal to <paramref name="element"/> (0 = all),
    /// the first ones met from the head, or from the tail; one pass however many go (LREM).
    /// </summary>
    public int RemoveEqual(ReadOnlySpan<byte> element, long limit, bool fromTail)
    {
        var kept = new byte[_items.Length][];
        int count = 0, removed = 0;
        for (int n = 0; n < Count; n++)
        {
            int i = fromTail ? Count - 1 - n : n;
            if ((limit == 0 || removed < limit) && element.SequenceEqual(this[i]))
                removed++;
            else
                kept[count++] = this[i];
        }
        if (removed == 0)
            return 0;
        if (fromTail)
            Array.Reverse(kept, 0, count);
        Replace(kept, count);
        ShrinkIfSparse();
        return removed;
    }

    public override StoredObject Clone()
    {
        var copy = new ListObject(Count);
        for (int i = 0; i < Count; i++)
            copy.PushTail(this[i]);   // element arrays are replaced, never changed, so they can be shared
        return copy;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Count);
        for (int i = 0; i < Count; i++)
            writer.WriteBytes(this[i]);
    }

    public static ListObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var list = new ListObject(count);
        for (int i = 0; i < count; i++)
            list.PushTail(reader.ReadBytes().ToArray());
        return list;
    }

    private int Physical(int index) => (_head + index) & (_items.Length - 1);

    private static int PowerOfTwo(int capacity) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 4));

    private void Grow()
    {
        if (Count == _items.Length)
            Resize(_items.Length * 2);
    }

    private void ShrinkIfSparse()
    {
        if (_items.Length > 16 && Count * 4 < _items.Length)
            Resize(_items.Length / 2);
    }

    private void Replace(byte[][] items, int count)
    {
        _items = items;
        _head = 0;
        Count = count;
    }

    private void Resize(int capacity)
    {
        var items = new byte[capacity][];
        for (int i = 0; i < Count; i++)
            items[i] = this[i];
        _items = items;
        _head = 0;
    }
}
