using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A set as the command handlers see it, whichever engine holds it: <see cref="SetObject"/> in
/// memory, or a disk engine's view over its subkeys. Enumeration goes straight to the memory
/// table (members shared, not copied) and to a cursor otherwise.
/// </summary>
public abstract class SetValue : StoredObject, Istore.Ranklist.IRecallExclusion
{
    public override KeyType Type => KeyType.Set;

    public override string Encoding => "hashtable";

    /// <summary>Adds a member; true when it is new.</summary>
    public abstract bool Add(ReadOnlySpan<byte> member);

    public abstract bool Contains(ReadOnlySpan<byte> member);

    public abstract bool Remove(ReadOnlySpan<byte> member);

    /// <summary>SSCAN: adds the members from <paramref name="cursor"/> that match; returns the next cursor (0 = done).</summary>
    public abstract ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found);

    /// <summary>One uniformly chosen member; the set must not be empty.</summary>
    public abstract SetMember RandomMember();

    /// <summary>The members in a table to draw random picks from (the set's own table, or a copy).</summary>
    public abstract ScanTable<SetMember> RandomSource();

    /// <summary>Walks a set not held in memory.</summary>
    protected abstract ElementCursor OpenCursor();

    public Enumerator GetEnumerator() => this is SetObject memory ? memory.EnumerateMemory() : new(OpenCursor());

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Length);
        foreach (var entry in this)
            writer.WriteBytes(entry.Key);
    }

    /// <summary>Walks the members; the set must not change during the walk.</summary>
    public ref struct Enumerator
    {
        private ScanTable<SetMember>.Enumerator _memory;
        private PackedPairs.Reader _packed;
        private readonly bool _isPacked;
        private readonly ElementCursor? _cursor;

        internal Enumerator(ScanTable<SetMember>.Enumerator memory) => _memory = memory;

        internal Enumerator(PackedPairs.Reader packed)
        {
            _packed = packed;
            _isPacked = true;
        }

        internal Enumerator(ElementCursor cursor) => _cursor = cursor;

        public bool MoveNext() => _cursor?.MoveNext() ?? (_isPacked ? _packed.MoveNext() : _memory.MoveNext());

        public readonly Enumerator Current => this;

        public readonly ReadOnlySpan<byte> Key => _cursor is not null ? _cursor.Key : _isPacked ? _packed.Key : _memory.Current.Key;

        /// <summary>The member as a <see cref="SetMember"/>: shared with a memory table, copied from a packed set or a cursor.</summary>
        public readonly SetMember Member => _cursor is null && !_isPacked ? _memory.Current : new SetMember(Key.ToArray());

        public readonly void Dispose() => _cursor?.Dispose();
    }
}
