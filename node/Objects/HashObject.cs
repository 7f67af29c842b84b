using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A hash: field → value. Small hashes (see <see cref="EncodingLimits"/>: Redis's
/// hash-max-listpack-entries and -value) live packed in one array; a larger
/// one becomes a <see cref="ScanTable{TEntry}"/> of fields, each field sharing one array with its value.
/// </summary>
public sealed class HashObject : HashValue
{
    /// <summary>The fields while the hash is small (<see cref="Table"/> is null); empty once it is a table.</summary>
    private PackedPairs _packed = new();

    /// <summary>The fields once the hash outgrew its packed form; null while packed.</summary>
    public ScanTable<HashField>? Table { get; private set; }

    public int Count => Table?.Count ?? _packed.Count;

    public override long Length => Count;

    public override string Encoding => Table is null ? "listpack" : "hashtable";

    public override bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (Table is null)
        {
            bool fits = field.Length <= EncodingLimits.HashValue && value.Length <= EncodingLimits.HashValue;
            if (fits && (_packed.Count < EncodingLimits.HashEntries || _packed.TryGet(field, out _)))
                return _packed.Set(field, value);
            ConvertToTable();
        }
        ref var entry = ref Table!.FindOrAdd(field, out bool added);
        entry = new HashField(field, value);
        return added;
    }

    /// <summary>While the hash stays packed whatever the pairs hold, all of them go into one new array.</summary>
    public override long SetPairs(Istore.Net.Resp.CommandArgs args, int first)
    {
        var pairs = new ArgumentPairs(args, first, withValues: true);
        if (Table is not null || _packed.Count + pairs.Count > EncodingLimits.HashEntries)
            return base.SetPairs(args, first);
        for (int i = 0; i < pairs.Count; i++)
            if (pairs.Key(i).Length > EncodingLimits.HashValue || pairs.Value(i).Length > EncodingLimits.HashValue)
                return base.SetPairs(args, first);
        return _packed.SetAll(pairs);
    }

    public override bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (Table is null)
            return _packed.TryGet(field, out value);
        ref var entry = ref Table.Find(field);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            value = default;
            return false;
        }
        value = entry.Value;
        return true;
    }

    public override bool Remove(ReadOnlySpan<byte> field) => Table?.Remove(field) ?? _packed.Remove(field);

    public new Enumerator GetEnumerator() => new(this);

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory hash enumerates itself");

    /// <summary>A packed hash answers whole in one call with cursor 0, as Redis does for a listpack.</summary>
    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        if (Table is { } table)
        {
            var collector = new MatchingCollector<HashField>(found, pattern, static (into, field) => AddPair(into, field.Key, field.Value));
            return table.Scan(cursor, count, ref collector);
        }
        foreach (var pair in this)
            if (pattern is null || pattern.IsMatch(pair.Field))
                AddPair(found, pair.Field, pair.Value);
        return 0;
    }

    private static void AddPair(List<byte[]> into, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        into.Add(field.ToArray());
        into.Add(value.ToArray());
    }

    /// <summary>The table itself, or for a packed hash (at most 128 fields) a table copied for the draw.</summary>
    public override ScanTable<HashField> RandomSource() => Table ?? CopyToTable();

    public override HashField RandomField() => RandomSource().Random(Random.Shared);

    /// <summary>Walks (field, value) pairs in either form; the hash must not change during the walk.</summary>
    public new ref struct Enumerator
    {
        private PackedPairs.Reader _packed;
        private ScanTable<HashField>.Enumerator _table;
        private readonly bool _isPacked;

        internal Enumerator(HashObject hash)
        {
            _isPacked = hash.Table is null;
            if (_isPacked) _packed = hash._packed.GetEnumerator();
            else _table = hash.Table!.GetEnumerator();
        }

        public bool MoveNext() => _isPacked ? _packed.MoveNext() : _table.MoveNext();

        public readonly Enumerator Current => this;

        public readonly ReadOnlySpan<byte> Field => _isPacked ? _packed.Key : _table.Current.Key;

        public readonly ReadOnlySpan<byte> Value => _isPacked ? _packed.Value : _table.Current.Value;
    }

    public override StoredObject Clone()
    {
        var copy = new HashObject { _packed = _packed };   // arrays are replaced, never changed
        if (Table is null)
            return copy;
        copy.Table = new ScanTable<HashField>(Table.Count);
        foreach (ref var entry in Table)
            copy.Table.AddNew(entry);   // field arrays are replaced, never changed, so they can be shared
        return copy;
    }

    public static HashObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var hash = new HashObject();
        for (int i = 0; i < count; i++)
        {
            var field = reader.ReadBytes();
            hash.Set(field, reader.ReadBytes());
        }
        return hash;
    }

    private void ConvertToTable()
    {
        var table = new ScanTable<HashField>(_packed.Count * 2);
        foreach (var pair in _packed)
            table.AddNew(new HashField(pair.Key, pair.Value));
        Table = table;
        _packed = default;
    }
}

/// <summary>One field of a hash table: [field length varint][field][value] in a single array.</summary>
public readonly struct HashField : IScanEntry
{
    private readonly byte[] _blob;

    public HashField(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        _blob = GC.AllocateUninitializedArray<byte>(VarInt.Length(field.Length) + field.Length + value.Length);
        int header = VarInt.Write(_blob, field.Length);
        field.CopyTo(_blob.AsSpan(header));
        value.CopyTo(_blob.AsSpan(header + field.Length));
    }

    public ReadOnlySpan<byte> Key
    {
        get
        {
            int header = 0;
            int length = VarInt.Read(_blob, ref header);
            return _blob.AsSpan(header, length);
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            int header = 0;
            int length = VarInt.Read(_blob, ref header);
            return _blob.AsSpan(header + length);
        }
    }
}
