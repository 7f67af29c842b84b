using Istore.Net.Commands;
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

    /// <summary>
    /// OBJECT ENCODING's name for a set held in <paramref name="form"/>: Redis 7.0 has no listpack
    /// sets, so a small packed set of strings is named hashtable, as 7.0 holds it (the packing stays).
    /// </summary>
    protected static string Redis70Name(string form) => form == "listpack" ? "hashtable" : form;

    /// <summary>Adds a member; true when it is new.</summary>
    public abstract bool Add(ReadOnlySpan<byte> member);

    /// <summary>Adds the members of <paramref name="args"/> from <paramref name="first"/> on (SADD); returns how many were new.</summary>
    public virtual long AddAll(Istore.Net.Resp.CommandArgs args, int first)
    {
        long added = 0;
        for (int i = first; i < args.Count; i++)
            if (Add(args[i]))
                added++;
        return added;
    }

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

    /// <summary>The members: an intset's ascending, as Redis lists one, any other set's in stored order.</summary>
    public Enumerator GetEnumerator() => IntsetOrder() is { } ascending ? new(ascending) : InStoredOrder();

    private Enumerator InStoredOrder() => this is SetObject memory ? memory.EnumerateMemory() : new(OpenCursor());

    /// <summary>False when the set is known not to be an intset without reading it (a memory table that outgrew one).</summary>
    protected virtual bool MayBeIntset => true;

    /// <summary>
    /// Redis keeps a set of at most set-max-intset-entries integers as an intset, sorted ascending, and
    /// every reply that walks it (SMEMBERS, SSCAN, SINTER…) lists it in that order; null for another set.
    /// </summary>
    private SetMember[]? IntsetOrder()
    {
        long length = Length;
        if (length > EncodingLimits.IntsetEntries || !MayBeIntset)
            return null;
        var members = new SetMember[length];
        var values = new long[length];
        int n = 0;
        using (var stored = InStoredOrder())
        {
            while (stored.MoveNext())
            {
                if (n == length || !RedisNumber.TryParseInt64(stored.Key, out values[n]))
                    return null;
                members[n++] = stored.Member;
            }
        }
        Array.Sort(values, members, 0, n);
        return n == length ? members : members[..n];
    }

    /// <summary>SSCAN of an intset: all of it, ascending, in one call with cursor 0 (as Redis); false for another set.</summary>
    protected bool TryScanIntset(GlobPattern? pattern, List<byte[]> found)
    {
        if (IntsetOrder() is not { } ascending)
            return false;
        foreach (var member in ascending)
            if (pattern is null || pattern.IsMatch(member.Key))
                found.Add(member.Member);
        return true;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Length);
        using var stored = InStoredOrder();   // a reload orders an intset again
        while (stored.MoveNext())
            writer.WriteBytes(stored.Key);
    }

    /// <summary>Walks the members; the set must not change during the walk.</summary>
    public ref struct Enumerator
    {
        private ScanTable<SetMember>.Enumerator _memory;
        private PackedPairs.Reader _packed;
        private readonly bool _isPacked;
        private readonly ElementCursor? _cursor;
        private readonly SetMember[]? _ascending;
        private int _index;

        internal Enumerator(ScanTable<SetMember>.Enumerator memory) => _memory = memory;

        internal Enumerator(PackedPairs.Reader packed)
        {
            _packed = packed;
            _isPacked = true;
        }

        internal Enumerator(ElementCursor cursor) => _cursor = cursor;

        internal Enumerator(SetMember[] ascending)
        {
            _ascending = ascending;
            _index = -1;
        }

        public bool MoveNext() => _ascending is not null ? ++_index < _ascending.Length
            : _cursor?.MoveNext() ?? (_isPacked ? _packed.MoveNext() : _memory.MoveNext());

        public readonly Enumerator Current => this;

        public readonly ReadOnlySpan<byte> Key => _ascending is not null ? _ascending[_index].Key
            : _cursor is not null ? _cursor.Key : _isPacked ? _packed.Key : _memory.Current.Key;

        /// <summary>The member as a <see cref="SetMember"/>: shared with a memory table or an intset's order, copied from a packed set or a cursor.</summary>
        public readonly SetMember Member => _ascending is not null ? _ascending[_index]
            : _cursor is null && !_isPacked ? _memory.Current : new SetMember(Key.ToArray());

        public readonly void Dispose() => _cursor?.Dispose();
    }
}
