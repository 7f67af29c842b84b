using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A hash as the command handlers see it, whichever engine holds it: <see cref="HashObject"/> in
/// memory, or a disk engine's view over its subkeys. Enumeration goes straight to the memory
/// object's own enumerator (no allocation, no virtual call per field) and to a cursor otherwise.
/// </summary>
public abstract class HashValue : StoredObject
{
    public override KeyType Type => KeyType.Hash;

    /// <summary>Sets a field; true when it is new.</summary>
    public abstract bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value);

    /// <summary>Sets the (field, value) pairs of <paramref name="args"/> from <paramref name="first"/> on, in order (HSET); returns how many fields were new.</summary>
    public virtual long SetPairs(Istore.Net.Resp.CommandArgs args, int first)
    {
        long added = 0;
        for (int i = first; i + 1 < args.Count; i += 2)
            if (Set(args[i], args[i + 1]))
                added++;
        return added;
    }

    /// <summary>A field's value, valid until the hash is next read or changed.</summary>
    public abstract bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value);

    public abstract bool Remove(ReadOnlySpan<byte> field);

    /// <summary>HSCAN: adds field and value of the entries from <paramref name="cursor"/> that match; returns the next cursor (0 = done).</summary>
    public abstract ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found);

    /// <summary>One uniformly chosen field; the hash must not be empty.</summary>
    public abstract HashField RandomField();

    /// <summary>The fields in a table to draw random picks from (the hash's own table, or a copy).</summary>
    public abstract ScanTable<HashField> RandomSource();

    /// <summary>The fields copied into a table of their own.</summary>
    protected ScanTable<HashField> CopyToTable()
    {
        var table = new ScanTable<HashField>((int)Math.Min(Length, int.MaxValue));
        foreach (var pair in this)
            table.AddNew(new HashField(pair.Field, pair.Value));
        return table;
    }

    /// <summary>Walks a hash not held in memory.</summary>
    protected abstract ElementCursor OpenCursor();

    public Enumerator GetEnumerator() => this is HashObject memory ? new(memory.GetEnumerator()) : new(OpenCursor());

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Length);
        foreach (var pair in this)
        {
            writer.WriteBytes(pair.Field);
            writer.WriteBytes(pair.Value);
        }
    }

    /// <summary>Walks (field, value) pairs; the hash must not change during the walk.</summary>
    public ref struct Enumerator
    {
        private HashObject.Enumerator _memory;
        private readonly ElementCursor? _cursor;

        internal Enumerator(HashObject.Enumerator memory) => _memory = memory;

        internal Enumerator(ElementCursor cursor) => _cursor = cursor;

        public bool MoveNext() => _cursor?.MoveNext() ?? _memory.MoveNext();

        public readonly Enumerator Current => this;

        public readonly ReadOnlySpan<byte> Field => _cursor is null ? _memory.Field : _cursor.Key;

        public readonly ReadOnlySpan<byte> Value => _cursor is null ? _memory.Value : _cursor.Value;

        public readonly void Dispose() => _cursor?.Dispose();
    }
}
