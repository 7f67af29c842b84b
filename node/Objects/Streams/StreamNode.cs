namespace Istore.Node.Objects.Streams;

/// <summary>
/// A block of consecutive stream entries in one byte array (up to <see cref="StreamLimits"/>' entries
/// and bytes), as Redis keeps a listpack per radix-tree node. The first entry added is the master: its ID keys the node
/// and its field names are stored once; later entries with the same field names store only their
/// values. IDs are deltas from the master. A deleted entry stays as a tombstone (counted towards
/// the node's capacity, as in Redis) until the whole node is empty and goes.
/// Entry layout: [flags][ms delta varint][seq varint: delta when ms is equal, else absolute]
/// then either [field count varint]([length varint][bytes] × 2 × count) or, with the same
/// fields as the master, ([length varint][value bytes] × count).
/// </summary>
public sealed class StreamNode
{
    private const byte Deleted = 1;
    private const byte SameFields = 2;

    private byte[] _data;
    private int _used;
    private int[] _offsets;
    private readonly byte[][] _masterFields;

    public StreamId Master { get; }

    /// <summary>Entries written, tombstones included.</summary>
    public int Total { get; private set; }

    public int DeletedCount { get; private set; }

    public int Live => Total - DeletedCount;

    private StreamNode(StreamId master, byte[][] masterFields, byte[] data, int used, int[] offsets, int total)
    {
        Master = master;
        _masterFields = masterFields;
        _data = data;
        _used = used;
        _offsets = offsets;
        Total = total;
    }

    /// <summary>A node whose master is the entry with <paramref name="id"/> and these pairs.</summary>
    public static StreamNode Create<TPairs>(StreamId id, TPairs pairs) where TPairs : IPairSource, allows ref struct
    {
        var fields = new byte[pairs.Count][];
        for (int i = 0; i < fields.Length; i++)
            fields[i] = pairs.Field(i).ToArray();
        var node = new StreamNode(id, fields, new byte[64], 0, new int[8], 0);
        node.Append(id, pairs);
        return node;
    }

    /// <summary>
    /// A block holding one entry whose pairs are <paramref name="encodedPairs"/> in this block's
    /// form ([field count]([length][bytes]) × 2 × count, varints): how a disk engine hands out an
    /// entry it stores on its own.
    /// </summary>
    public static StreamNode Single(StreamId id, ReadOnlySpan<byte> encodedPairs)
    {
        var data = new byte[3 + encodedPairs.Length];   // flags 0, ms delta 0, seq delta 0
        encodedPairs.CopyTo(data.AsSpan(3));
        return new StreamNode(id, [], data, data.Length, [0], 1);
    }

    /// <summary>Encodes an entry's pairs as <see cref="Single"/> reads them.</summary>
    public static byte[] EncodePairs<TPairs>(TPairs pairs) where TPairs : IPairSource, allows ref struct
    {
        int size = VarIntBytes((ulong)pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
            size += VarIntBytes((ulong)pairs.Field(i).Length) + pairs.Field(i).Length + VarIntBytes((ulong)pairs.Value(i).Length) + pairs.Value(i).Length;
        var node = new StreamNode(StreamId.Zero, [], new byte[size], 0, [], 0);
        node.WriteVarInt((ulong)pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            node.WriteBytes(pairs.Field(i));
            node.WriteBytes(pairs.Value(i));
        }
        return node._data;
    }

    /// <summary>
    /// The bytes <see cref="Append"/> adds for an entry to a block whose master is
    /// <paramref name="master"/> with <paramref name="masterFields"/>: what a layout kept elsewhere
    /// (the disk engine's block records) counts to start new blocks exactly where this one would.
    /// </summary>
    public static long EntryBytes<TPairs>(StreamId master, byte[][] masterFields, StreamId id, TPairs pairs) where TPairs : IPairSource, allows ref struct
    {
        bool same = pairs.Count == masterFields.Length;
        for (int i = 0; same && i < pairs.Count; i++)
            same = pairs.Field(i).SequenceEqual(masterFields[i]);
        ulong msDelta = id.Ms - master.Ms;
        long size = 1 + VarIntBytes(msDelta) + VarIntBytes(msDelta == 0 ? id.Seq - master.Seq : id.Seq);
        if (!same)
            size += VarIntBytes((ulong)pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (!same)
                size += VarIntBytes((ulong)pairs.Field(i).Length) + pairs.Field(i).Length;
            size += VarIntBytes((ulong)pairs.Value(i).Length) + pairs.Value(i).Length;
        }
        return size;
    }

    private static int VarIntBytes(ulong value)
    {
        int bytes = 1;
        for (; value >= 0x80; value >>= 7)
            bytes++;
        return bytes;
    }

    /// <summary>Bytes written so far (what <see cref="IsFullFor"/> counts).</summary>
    internal int UsedBytes => _used;

    /// <summary>True when an entry with these pairs (of <paramref name="payloadBytes"/> field and value bytes) must start a new node.</summary>
    public bool IsFullFor(long payloadBytes) =>
        _used + payloadBytes >= StreamLimits.EffectiveNodeMaxBytes || (StreamLimits.NodeMaxEntries > 0 && Total >= StreamLimits.NodeMaxEntries);

    /// <summary>Appends an entry (its ID above every ID here).</summary>
    public void Append<TPairs>(StreamId id, TPairs pairs) where TPairs : IPairSource, allows ref struct
    {
        int count = pairs.Count;
        bool same = count == _masterFields.Length;
        for (int i = 0; same && i < count; i++)
            same = pairs.Field(i).SequenceEqual(_masterFields[i]);
        int size = 1 + 20 + 10;
        for (int i = 0; i < count; i++)
            size += 10 + pairs.Field(i).Length + pairs.Value(i).Length;
        Reserve(size);
        if (Total == _offsets.Length)
            Array.Resize(ref _offsets, _offsets.Length * 2);
        _offsets[Total++] = _used;
        _data[_used++] = same ? SameFields : (byte)0;
        WriteId(id);
        if (!same)
            WriteVarInt((ulong)count);
        for (int i = 0; i < count; i++)
        {
            if (!same)
                WriteBytes(pairs.Field(i));
            WriteBytes(pairs.Value(i));
        }
    }

    /// <summary>Gives back the spare room once the node will not grow (a newer node took over).</summary>
    public void Seal()
    {
        if (_data.Length > _used)
            Array.Resize(ref _data, _used);
        if (_offsets.Length > Total)
            Array.Resize(ref _offsets, Total);
    }

    public bool IsDeleted(int index) => (_data[_offsets[index]] & Deleted) != 0;

    public StreamId IdAt(int index)
    {
        int position = _offsets[index] + 1;
        return ReadId(ref position);
    }

    /// <summary>Marks a live entry deleted; the caller keeps the counts of the stream.</summary>
    public void Delete(int index)
    {
        _data[_offsets[index]] |= Deleted;
        DeletedCount++;
    }

    /// <summary>The index of the first entry (live or not) whose ID is ≥ <paramref name="id"/>; Total when none.</summary>
    public int FirstAtOrAfter(StreamId id)
    {
        int lo = 0, hi = Total;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (IdAt(mid) < id) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The entry's field-value pairs.</summary>
    public EntryReader Read(int index) => new(this, index);

    public StreamNode Clone() =>
        new(Master, _masterFields, (byte[])_data.Clone(), _used, (int[])_offsets.Clone(), Total) { DeletedCount = DeletedCount };

    private int ReadCount(ref int position) => (int)ReadVarInt(ref position);

    private void WriteId(StreamId id)
    {
        ulong msDelta = id.Ms - Master.Ms;
        WriteVarInt(msDelta);
        WriteVarInt(msDelta == 0 ? id.Seq - Master.Seq : id.Seq);
    }

    private StreamId ReadId(ref int position)
    {
        ulong msDelta = ReadVarInt(ref position);
        ulong seq = ReadVarInt(ref position);
        return msDelta == 0 ? new StreamId(Master.Ms, Master.Seq + seq) : new StreamId(Master.Ms + msDelta, seq);
    }

    private void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarInt((ulong)value.Length);
        value.CopyTo(_data.AsSpan(_used));
        _used += value.Length;
    }

    private void WriteVarInt(ulong value)
    {
        while (value >= 0x80)
        {
            _data[_used++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _data[_used++] = (byte)value;
    }

    private ulong ReadVarInt(ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = _data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidOperationException("bad varint in stream node");
    }

    private void Reserve(int size)
    {
        if (_data.Length - _used < size)
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + size));
    }

    /// <summary>Walks one entry's (field, value) pairs.</summary>
    public ref struct EntryReader
    {
        private readonly StreamNode _node;
        private readonly bool _same;
        private int _position;
        private int _next;

        internal EntryReader(StreamNode node, int index)
        {
            _node = node;
            _position = node._offsets[index];
            _same = (node._data[_position++] & SameFields) != 0;
            node.ReadId(ref _position);
            Pairs = _same ? node._masterFields.Length : node.ReadCount(ref _position);
        }

        public int Pairs { get; }

        public ReadOnlySpan<byte> Field { get; private set; }

        public ReadOnlySpan<byte> Value { get; private set; }

        public bool MoveNext()
        {
            if (_next == Pairs)
                return false;
            Field = _same ? _node._masterFields[_next] : ReadSpan();
            Value = ReadSpan();
            _next++;
            return true;
        }

        private ReadOnlySpan<byte> ReadSpan()
        {
            int length = _node.ReadCount(ref _position);
            var span = _node._data.AsSpan(_position, length);
            _position += length;
            return span;
        }
    }
}

/// <summary>An entry's field-value pairs as XADD's arguments or a snapshot hold them.</summary>
public interface IPairSource
{
    int Count { get; }

    ReadOnlySpan<byte> Field(int index);

    ReadOnlySpan<byte> Value(int index);
}

/// <summary>Pairs at args[first..] (XADD's field value …).</summary>
public readonly struct ArgumentPairs(Istore.Net.Resp.CommandArgs args, int first, int count) : IPairSource
{
    public int Count => count;

    public ReadOnlySpan<byte> Field(int index) => args[first + 2 * index];

    public ReadOnlySpan<byte> Value(int index) => args[first + 2 * index + 1];
}

/// <summary>Pairs as alternating field and value arrays.</summary>
public readonly struct ArrayPairs(byte[][] items) : IPairSource
{
    public int Count => items.Length / 2;

    public ReadOnlySpan<byte> Field(int index) => items[2 * index];

    public ReadOnlySpan<byte> Value(int index) => items[2 * index + 1];
}
