namespace Istore.Node.Objects;

/// <summary>
/// A small collection of (key, value) byte-string pairs packed into one array, Redis's listpack
/// idea: [varint key length][key][varint value length][value]… with no per-element object, so a
/// ten-field hash costs one array instead of ten plus a table. Lookups scan linearly, which is
/// faster than hashing at these sizes; every change rebuilds the array (a few hundred bytes).
/// </summary>
public sealed class PackedPairs
{
    private byte[] _data = [];

    public int Count { get; private set; }

    public int ByteLength => _data.Length;

    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
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

    public PackedPairs Clone() => new() { _data = _data, Count = Count };   // arrays are replaced, never changed

    public Reader GetEnumerator() => new(_data, 0);

    /// <summary>Walks the pairs in order.</summary>
    public ref struct Reader(byte[] data, int offset)
    {
        private int _offset = offset;

        public readonly Reader Current => this;

        public ReadOnlySpan<byte> Key { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public bool MoveNext()
        {
            if (_offset >= data.Length)
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
            int length = VarInt.Read(data, ref _offset);
            var item = data.AsSpan(_offset, length);
            _offset += length;
            return item;
        }
    }

    /// <summary>The offset of <paramref name="key"/>'s entry (and where it ends), or -1.</summary>
    private int Find(ReadOnlySpan<byte> key, out int end)
    {
        var reader = new Reader(_data, 0);
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
