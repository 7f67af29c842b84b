using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A list: a ring buffer of elements, so pushes and pops at both ends and access by index are
/// O(1); inserting or removing in the middle moves the shorter side, as a deque does.
/// </summary>
public sealed class ListObject : ListValue
{
    private byte[][] _items;
    private int _head;

    public ListObject(int capacity = 4) => _items = new byte[PowerOfTwo(capacity)][];

    private int _count;

    public override int Count => _count;

    public override byte[] this[int index]
    {
        get => _items[Physical(index)];
        set => _items[Physical(index)] = value;
    }

    public override void PushHead(byte[] item)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = item;
        _count++;
    }

    public override void PushTail(byte[] item)
    {
        Grow();
        _items[Physical(Count)] = item;
        _count++;
    }

    public override byte[] PopHead()
    {
        var item = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        ShrinkIfSparse();
        return item;
    }

    public override byte[] PopTail()
    {
        int last = Physical(Count - 1);
        var item = _items[last];
        _items[last] = null!;
        _count--;
        ShrinkIfSparse();
        return item;
    }

    public override void Insert(int index, byte[] item)
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

    public override void Trim(int start, int end)
    {
        var kept = new byte[PowerOfTwo(end - start + 1)][];
        int count = 0;
        for (int i = start; i <= end; i++)
            kept[count++] = this[i];
        Replace(kept, count);
    }

    public override int RemoveEqual(ReadOnlySpan<byte> element, long limit, bool fromTail)
    {
        var kept = Kept(element, limit, fromTail, out int removed);
        if (removed == 0)
            return 0;
        var items = new byte[PowerOfTwo(kept.Count)][];
        kept.CopyTo(items);
        Replace(items, kept.Count);
        return removed;
    }

    protected override ElementCursor OpenCursor(int first) => throw new InvalidOperationException("a memory list walks its own ranges");

    public override StoredObject Clone()
    {
        var copy = new ListObject(Count);
        for (int i = 0; i < Count; i++)
            copy.PushTail(this[i]);   // element arrays are replaced, never changed, so they can be shared
        return copy;
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
        _count = count;
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
