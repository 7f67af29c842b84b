namespace Istore.Node.Objects;

/// <summary>
/// A small collection of (key, value) byte-string pairs packed into one array, Redis's listpack
/// idea: [varint key length][key][varint value length][value]… with no per-element object, so a
/// ten-field hash costs one array instead of ten plus a table. Lookups scan linearly, which is
/// faster than hashing at these sizes; every change rebuilds the array (a few hundred bytes).
/// A struct held inside its collection object, so a small hash costs that object and one array.
/// </summary>
public struct PackedPairs()
{
    private byte[] _data = [];

    public int Count { get; private set; }

    public readonly bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        int offset = Find(key, out _);
        if (offset < 0)
        {
            value = default;
            return false;
        }
        var reader = new Reader(_data, offset);
        reader.Next(out _, out value);
        return true;
    }

    /// <summary>Sets the value of <paramref name="key"/>; true when the key is new.</summary>
    public bool Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int offset = Find(key, out int end);
        int entryLength = EntryLength(key.Length, value.Length);
        if (offset < 0)
        {
            var grown = GC.AllocateUninitializedArray<byte>(_data.Length + entryLength);
            _data.CopyTo(grown, 0);
            WriteEntry(grown.AsSpan(_data.Length), key, value);
            _data = grown;
            Count++;
            return true;
        }
        var replaced = GC.AllocateUninitializedArray<byte>(_data.Length - (end - offset) + entryLength);
        _data.AsSpan(0, offset).CopyTo(replaced);
        WriteEntry(replaced.AsSpan(offset), key, value);
        _data.AsSpan(end).CopyTo(replaced.AsSpan(offset + entryLength));
        _data = replaced;
        return false;
    }

    /// <summary>Pairs given to <see cref="SetAll"/>: an HSET's fields and values, a SADD's members (empty values).</summary>
    public interface IPairSource
    {
        int Count { get; }
        ReadOnlySpan<byte> Key(int index);
        ReadOnlySpan<byte> Value(int index);
    }

    /// <summary>
    /// Sets every pair, in order (a later pair of the same key wins), into one new array: pair by pair,
    /// each <see cref="Set"/> would copy the array again, and a ten-field HSET of a new hash would leave
    /// nine arrays of garbage. Pairs already held with the same value change nothing (no new array if
    /// none changes). Returns how many keys were new.
    /// </summary>
    public int SetAll<TPairs>(in TPairs pairs) where TPairs : IPairSource
    {
        long bound = _data.Length;
        for (int i = 0; i < pairs.Count; i++)
            bound += EntryLength(pairs.Key(i).Length, pairs.Value(i).Length);
        byte[] work = System.Buffers.ArrayPool<byte>.Shared.Rent(checked((int)bound));
        try
        {
            _data.CopyTo(work, 0);
            int length = _data.Length, added = 0;
            bool changed = false;
            for (int i = 0; i < pairs.Count; i++)
            {
                ReadOnlySpan<byte> key = pairs.Key(i), value = pairs.Value(i);
                int entryLength = EntryLength(key.Length, value.Length);
                int offset = Find(work.AsSpan(0, length), key, out int end);
                if (offset < 0)
                {
                    offset = end = length;
                    added++;
                }
                else if (HasValue(work.AsSpan(0, length), offset, value))
                    continue;
                changed = true;
                work.AsSpan(end, length - end).CopyTo(work.AsSpan(offset + entryLength));
                WriteEntry(work.AsSpan(offset), key, value);
                length += entryLength - (end - offset);
            }
            if (changed)
                _data = work.AsSpan(0, length).ToArray();
            Count += added;
            return added;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(work);
        }
    }

    private static bool HasValue(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> value)
    {
        new Reader(data, offset).Next(out _, out var current);
        return current.SequenceEqual(value);
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        int offset = Find(key, out int end);
        if (offset < 0)
            return false;
        _data = Without(_data, offset, end);
        Count--;
        return true;
    }

    /// <summary>A copy of <paramref name="data"/> without the bytes [from, to): a packed form's removed entry.</summary>
    internal static byte[] Without(byte[] data, int from, int to)
    {
        var shrunk = GC.AllocateUninitializedArray<byte>(data.Length - (to - from));
        data.AsSpan(0, from).CopyTo(shrunk);
        data.AsSpan(to).CopyTo(shrunk.AsSpan(from));
        return shrunk;
    }

    public readonly Reader GetEnumerator() => new(_data, 0);

    /// <summary>Walks the pairs in order.</summary>
    public ref struct Reader(ReadOnlySpan<byte> data, int offset)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset = offset;

        public readonly Reader Current => this;

        public ReadOnlySpan<byte> Key { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public bool MoveNext()
        {
            if (_offset >= _data.Length)
                return false;
            Next(out var key, out var value);
            Key = key;
            Value = value;
            return true;
        }

        internal readonly int Offset => _offset;

        internal void Next(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
        {
            key = ReadItem();
            value = ReadItem();
        }

        private ReadOnlySpan<byte> ReadItem()
        {
            int length = VarInt.Read(_data, ref _offset);
            var item = _data.Slice(_offset, length);
            _offset += length;
            return item;
        }
    }

    /// <summary>The offset of <paramref name="key"/>'s entry (and where it ends), or -1.</summary>
    private readonly int Find(ReadOnlySpan<byte> key, out int end) => Find(_data, key, out end);

    private static int Find(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, out int end)
    {
        var reader = new Reader(data, 0);
        while (true)
        {
            int start = reader.Offset;
            if (!reader.MoveNext())
            {
                end = -1;
                return -1;
            }
            if (reader.Key.SequenceEqual(key))
            {
                end = reader.Offset;
                return start;
            }
        }
    }

    private static int EntryLength(int keyLength, int valueLength) =>
        VarInt.Length(keyLength) + keyLength + VarInt.Length(valueLength) + valueLength;

    private static void WriteEntry(Span<byte> destination, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int offset = WriteItem(destination, key);
        WriteItem(destination[offset..], value);
    }

    private static int WriteItem(Span<byte> destination, ReadOnlySpan<byte> item)
    {
        int i = VarInt.Write(destination, item.Length);
        item.CopyTo(destination[i..]);
        return i + item.Length;
    }
}
