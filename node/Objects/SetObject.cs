using Istore.Node.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A set of distinct byte strings. Small ones (see <see cref="EncodingLimits"/>) are packed in one
/// array (<see cref="PackedPairs"/> with empty values), as Redis 7.2 keeps them in a listpack; a
/// larger one is a <see cref="ScanTable{TEntry}"/> of member arrays. As Redis, a set of integers
/// is an intset up to set-max-intset-entries members, in either form here.
/// </summary>
public sealed class SetObject : SetValue
{
    /// <summary>The members while the set is small (<see cref="_table"/> is null).</summary>
    private PackedPairs _packed;
    private ScanTable<SetMember>? _table;

    /// <summary>
    /// A table Redis would still hold as an intset: every member an integer, no more than
    /// set-max-intset-entries of them; the first member that breaks either rule clears it for good.
    /// </summary>
    private bool _intset;

    /// <summary>A set in the form that suits <paramref name="capacity"/> members (Redis's rdbLoad: an intset until a member says otherwise, if that many fit one).</summary>
    public SetObject(int capacity = 0)
    {
        if (capacity <= EncodingLimits.SetEntries)
            _packed = new PackedPairs();
        else
        {
            _table = new ScanTable<SetMember>(capacity);
            _intset = capacity <= EncodingLimits.IntsetEntries;
        }
    }

    public override long Length => _table?.Count ?? _packed.Count;

    /// <summary>Redis 7.0's names: intset for a set of integers within set-max-intset-entries, else hashtable (packed or not).</summary>
    public override string Encoding => _table is not null ? (_intset ? "intset" : "hashtable")
        : AllIntegers() && _packed.Count <= EncodingLimits.IntsetEntries ? "intset" : "hashtable";

    public override bool Add(ReadOnlySpan<byte> member)
    {
        if (_table is null && TryAddPacked(member, out bool added))
            return added;
        ref var entry = ref _table!.FindOrAdd(member, out added);
        if (added)
        {
            entry = new SetMember(member.ToArray());
            KeepIntset(member);
        }
        return added;
    }

    /// <summary>While the set stays packed whatever the members are, all of them go into one new array.</summary>
    public override long AddAll(Istore.Net.Resp.CommandArgs args, int first)
    {
        var members = new ArgumentPairs(args, first, withValues: false);
        if (_table is not null || _packed.Count + members.Count > EncodingLimits.SetEntries)
            return base.AddAll(args, first);
        for (int i = 0; i < members.Count; i++)
            if (members.Key(i).Length > EncodingLimits.SetValue)
                return base.AddAll(args, first);
        return _packed.SetAll(members);
    }

    /// <summary>Adds a member taken from another set, sharing its bytes (member arrays never change); true when it is new.</summary>
    public bool Add(in SetMember member)
    {
        if (_table is null && TryAddPacked(member.Key, out bool added))
            return added;
        ref var entry = ref _table!.FindOrAdd(member.Key, out added);
        if (added)
        {
            entry = member;
            KeepIntset(member.Key);
        }
        return added;
    }

    /// <summary>Adds to the packed form while it has room; false (after converting to a table) when it has not.</summary>
    private bool TryAddPacked(ReadOnlySpan<byte> member, out bool added)
    {
        added = false;
        if (_packed.TryGet(member, out _))
            return true;
        if (member.Length <= EncodingLimits.SetValue && _packed.Count < EncodingLimits.SetEntries)
        {
            added = _packed.Set(member, default);
            return true;
        }
        // Redis's intset outgrows set-max-listpack-entries: only set-max-intset-entries or a non-integer ends it.
        _intset = member.Length <= EncodingLimits.SetValue && AllIntegers() && IsInteger(member) && _packed.Count < EncodingLimits.IntsetEntries;
        ConvertToTable();
        return false;
    }

    /// <summary>A member was added to the table: the set is still an intset only if it is an integer and the set not too large.</summary>
    private void KeepIntset(ReadOnlySpan<byte> member)
    {
        if (_intset)
            _intset = _table!.Count <= EncodingLimits.IntsetEntries && IsInteger(member);
    }

    private static bool IsInteger(ReadOnlySpan<byte> member) => RedisNumber.TryParseInt64(member, out _);

    public override bool Contains(ReadOnlySpan<byte> member) => _table?.Contains(member) ?? _packed.TryGet(member, out _);

    public override bool Remove(ReadOnlySpan<byte> member) => _table?.Remove(member) ?? _packed.Remove(member);

    public override StoredObject Clone()
    {
        if (_table is null)
            return new SetObject { _packed = _packed };   // arrays are replaced, never changed
        var copy = new SetObject(_table!.Count);
        foreach (ref var entry in _table)
            copy.Add(entry);   // member arrays never change, so they can be shared
        copy._intset = _intset;
        return copy;
    }

    protected override bool MayBeIntset => _table is null || _intset;

    /// <summary>A packed set or an intset answers whole in one call with cursor 0, as Redis does for a listpack or an intset.</summary>
    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        if (_table is null || _intset)
        {
            foreach (var entry in this)   // an intset ascending
                if (pattern is null || pattern.IsMatch(entry.Key))
                    found.Add(entry.Key.ToArray());
            return 0;
        }
        var collector = new MatchingCollector<SetMember>(found, pattern, static (into, entry) => into.Add(entry.Member));
        return _table!.Scan(cursor, count, ref collector);
    }

    /// <summary>The table itself, or for a packed set a table copied for the draw.</summary>
    public override ScanTable<SetMember> RandomSource()
    {
        if (_table is not null)
            return _table;
        var table = new ScanTable<SetMember>(_packed.Count);
        foreach (var entry in _packed)
            table.AddNew(new SetMember(entry.Key.ToArray()));
        return table;
    }

    public override SetMember RandomMember() => RandomSource().Random(Random.Shared);

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory set enumerates itself");

    /// <summary>Walks the members in either form (<see cref="SetValue.GetEnumerator"/>).</summary>
    internal Enumerator EnumerateMemory() => _table is null ? new(_packed.GetEnumerator()) : new(_table.GetEnumerator());

    public static SetObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var set = new SetObject(count);
        for (int i = 0; i < count; i++)
            set.Add(reader.ReadBytes());
        return set;
    }

    private bool AllIntegers()
    {
        foreach (var entry in _packed)
            if (!IsInteger(entry.Key))
                return false;
        return true;
    }

    private void ConvertToTable()
    {
        var table = new ScanTable<SetMember>(_packed.Count * 2);
        foreach (var entry in _packed)
            table.AddNew(new SetMember(entry.Key.ToArray()));
        _table = table;
        _packed = default;
    }
}

public readonly struct SetMember(byte[] member) : IScanEntry
{
    public byte[] Member { get; } = member;

    public ReadOnlySpan<byte> Key => Member;
}
