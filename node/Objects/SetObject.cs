using Istore.Node.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>
/// A set of distinct byte strings. Small ones (see <see cref="EncodingLimits"/>) are packed in one
/// array (<see cref="PackedPairs"/> with empty values), as Redis 7.2 keeps them in a listpack; a
/// larger one is a <see cref="ScanTable{TEntry}"/> of member arrays.
/// </summary>
public sealed class SetObject : SetValue
{
    private PackedPairs? _packed;
    private ScanTable<SetMember>? _table;

    /// <summary>A set in the form that suits <paramref name="capacity"/> members.</summary>
    public SetObject(int capacity = 0)
    {
        if (capacity <= EncodingLimits.SetEntries)
            _packed = new PackedPairs();
        else
            _table = new ScanTable<SetMember>(capacity);
    }

    public override long Length => _packed?.Count ?? _table!.Count;

    /// <summary>Redis's names: intset for a small set of integers, listpack for another small one.</summary>
    public override string Encoding => _packed is null ? "hashtable" : AllIntegers() ? "intset" : "listpack";

    public override bool Add(ReadOnlySpan<byte> member)
    {
        if (_packed is not null && TryAddPacked(member, out bool added))
            return added;
        ref var entry = ref _table!.FindOrAdd(member, out added);
        if (added)
            entry = new SetMember(member.ToArray());
        return added;
    }

    /// <summary>Adds a member taken from another set, sharing its bytes (member arrays never change); true when it is new.</summary>
    public bool Add(in SetMember member)
    {
        if (_packed is not null && TryAddPacked(member.Key, out bool added))
            return added;
        ref var entry = ref _table!.FindOrAdd(member.Key, out added);
        if (added)
            entry = member;
        return added;
    }

    /// <summary>Adds to the packed form while it has room; false (after converting to a table) when it has not.</summary>
    private bool TryAddPacked(ReadOnlySpan<byte> member, out bool added)
    {
        added = false;
        if (_packed!.TryGet(member, out _))
            return true;
        if (member.Length <= EncodingLimits.SetValue && _packed.Count < EncodingLimits.SetEntries)
        {
            added = _packed.Set(member, default);
            return true;
        }
        ConvertToTable();
        return false;
    }

    public override bool Contains(ReadOnlySpan<byte> member) => _packed?.TryGet(member, out _) ?? _table!.Contains(member);

    public override bool Remove(ReadOnlySpan<byte> member) => _packed?.Remove(member) ?? _table!.Remove(member);

    public override StoredObject Clone()
    {
        if (_packed is not null)
            return new SetObject { _packed = _packed.Clone() };   // arrays are replaced, never changed
        var copy = new SetObject(_table!.Count);
        foreach (ref var entry in _table)
            copy.Add(entry);   // member arrays never change, so they can be shared
        return copy;
    }

    /// <summary>A packed set answers whole in one call with cursor 0, as Redis does for a listpack.</summary>
    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        if (_packed is not null)
        {
            foreach (var entry in _packed)
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
        var table = new ScanTable<SetMember>(_packed!.Count);
        foreach (var entry in _packed)
            table.AddNew(new SetMember(entry.Key.ToArray()));
        return table;
    }

    public override SetMember RandomMember() => RandomSource().Random(Random.Shared);

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory set enumerates itself");

    /// <summary>Walks the members in either form (<see cref="SetValue.GetEnumerator"/>).</summary>
    internal Enumerator EnumerateMemory() => _packed is not null ? new(_packed.GetEnumerator()) : new(_table!.GetEnumerator());

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
        foreach (var entry in _packed!)
            if (!RedisNumber.TryParseInt64(entry.Key, out _))
                return false;
        return true;
    }

    private void ConvertToTable()
    {
        var table = new ScanTable<SetMember>(_packed!.Count * 2);
        foreach (var entry in _packed)
            table.AddNew(new SetMember(entry.Key.ToArray()));
        _table = table;
        _packed = null;
    }
}

public readonly struct SetMember(byte[] member) : IScanEntry
{
    public byte[] Member { get; } = member;

    public ReadOnlySpan<byte> Key => Member;
}
