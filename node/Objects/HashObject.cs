using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>A hash: field → value. Each field and its value share one array, so a field costs one object.</summary>
public sealed class HashObject : StoredObject
{
    public ScanTable<HashField> Fields { get; }

    public HashObject(int capacity = 4) => Fields = new ScanTable<HashField>(capacity);

    public override KeyType Type => KeyType.Hash;

    public override long Length => Fields.Count;

    public override string Encoding => "hashtable";

    /// <summary>Sets a field; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        ref var entry = ref Fields.FindOrAdd(field, out bool added);
        entry = new HashField(field, value);
        return added;
    }

    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        ref var entry = ref Fields.Find(field);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            value = default;
            return false;
        }
        value = entry.Value;
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field) => Fields.Remove(field);

    public override StoredObject Clone()
    {
        var copy = new HashObject(Fields.Count);
        foreach (ref var entry in Fields)
            copy.Fields.AddNew(entry);   // field arrays are replaced, never changed, so they can be shared
        return copy;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Fields.Count);
        foreach (ref var entry in Fields)
        {
            writer.WriteBytes(entry.Key);
            writer.WriteBytes(entry.Value);
        }
    }

    public static HashObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var hash = new HashObject(count);
        for (int i = 0; i < count; i++)
        {
            var field = reader.ReadBytes();
            hash.Fields.AddNew(new HashField(field, reader.ReadBytes()));
        }
        return hash;
    }
}

/// <summary>One hash field: [field length varint][field][value] in a single array.</summary>
public readonly struct HashField : IScanEntry
{
    private readonly byte[] _blob;

    public HashField(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        int header = VarIntLength((uint)field.Length);
        _blob = GC.AllocateUninitializedArray<byte>(header + field.Length + value.Length);
        uint length = (uint)field.Length;
        int i = 0;
        for (; length >= 0x80; length >>= 7)
            _blob[i++] = (byte)(length | 0x80);
        _blob[i++] = (byte)length;
        field.CopyTo(_blob.AsSpan(i));
        value.CopyTo(_blob.AsSpan(i + field.Length));
    }

    public ReadOnlySpan<byte> Key
    {
        get
        {
            int length = ReadHeader(out int header);
            return _blob.AsSpan(header, length);
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            int length = ReadHeader(out int header);
            return _blob.AsSpan(header + length);
        }
    }

    private int ReadHeader(out int header)
    {
        int length = 0, shift = 0;
        header = 0;
        byte b;
        do
        {
            b = _blob[header++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return length;
    }

    private static int VarIntLength(uint value) => value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}
