using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A list on disk, for one command (Kvrocks' layout): the element at position i is the subkey
/// whose field is index head + i; pushes and pops move head or tail, so they write one element
/// and the metadata; a range is one iterator from its first index. LINSERT, LREM and LTRIM rewrite or
/// delete the elements they move.
/// </summary>
internal sealed class DiskList(SubkeyStore elements) : ListValue, IDiskCollection
{
    public SubkeyStore Elements => elements;

    public override int Count => (int)elements.Size;

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    public override byte[] this[int index]
    {
        get => Get(elements.Head + (ulong)index);
        set => elements.Overwrite(Field(elements.Head + (ulong)index), value);
    }

    /// <summary>Writes a memory list's elements into a new list version.</summary>
    public static void Fill(SubkeyStore into, ListValue list)
    {
        for (int i = 0; i < list.Count; i++)
            into.PutNew(Field(into.Tail++), list[i]);
    }

    public override void PushHead(byte[] item)
    {
        elements.Overwrite(Field(--elements.Head), item);
        elements.Size++;
    }

    public override void PushTail(byte[] item)
    {
        elements.Overwrite(Field(elements.Tail++), item);
        elements.Size++;
    }

    public override byte[] PopHead() => Take(elements.Head++);

    public override byte[] PopTail() => Take(--elements.Tail);

    public override void Insert(int index, byte[] item)
    {
        if (index == 0)
        {
            PushHead(item);
            return;
        }
        for (int i = Count - 1; i >= index; i--)
            elements.Overwrite(Field(elements.Head + (ulong)i + 1), this[i]);
        elements.Overwrite(Field(elements.Head + (ulong)index), item);
        elements.Tail++;
        elements.Size++;
    }

    public override void Trim(int start, int end)
    {
        for (int i = 0; i < start; i++)
            elements.Erase(Field(elements.Head + (ulong)i));
        for (int i = end + 1; i < Count; i++)
            elements.Erase(Field(elements.Head + (ulong)i));
        elements.Head += (ulong)start;
        elements.Tail = elements.Head + (ulong)(end - start + 1);
        elements.Size = end - start + 1;
    }

    public override int RemoveEqual(ReadOnlySpan<byte> element, long limit, bool fromTail)
    {
        var kept = Kept(element, limit, fromTail, out int removed);
        if (removed == 0)
            return 0;
        for (int i = 0; i < kept.Count; i++)
            elements.Overwrite(Field(elements.Head + (ulong)i), kept[i]);
        for (int i = kept.Count; i < Count; i++)
            elements.Erase(Field(elements.Head + (ulong)i));
        elements.Tail = elements.Head + (ulong)kept.Count;
        elements.Size = kept.Count;
        return removed;
    }

    protected override ElementCursor OpenCursor(int first) => elements.OpenCursor(Field(elements.Head + (ulong)first));

    private byte[] Take(ulong index)
    {
        var item = Get(index);
        elements.Erase(Field(index));
        elements.Size--;
        return item;
    }

    private byte[] Get(ulong index)
    {
        if (!elements.TryGet(Field(index), out var item))
            throw new InvalidDataException($"list {System.Text.Encoding.UTF8.GetString(elements.Key)} has no element at index {index}");
        return item.ToArray();
    }

    private static byte[] Field(ulong index)
    {
        var field = new byte[8];
        DiskFormat.WriteIndex(field, index);
        return field;
    }
}
