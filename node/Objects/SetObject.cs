using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>A set of distinct byte strings.</summary>
public sealed class SetObject : SetValue
{
    public ScanTable<SetMember> Members { get; }

    public SetObject(int capacity = 4) => Members = new ScanTable<SetMember>(capacity);

    public override long Length => Members.Count;

    public override bool Add(ReadOnlySpan<byte> member)
    {
        ref var entry = ref Members.FindOrAdd(member, out bool added);
        if (added)
            entry = new SetMember(member.ToArray());
        return added;
    }

    /// <summary>Adds a member taken from another set, sharing its bytes (member arrays never change); true when it is new.</summary>
    public bool Add(in SetMember member)
    {
        ref var entry = ref Members.FindOrAdd(member.Key, out bool added);
        if (added)
            entry = member;
        return added;
    }

    public override bool Contains(ReadOnlySpan<byte> member) => Members.Contains(member);

    public override bool Remove(ReadOnlySpan<byte> member) => Members.Remove(member);

    public override StoredObject Clone()
    {
        var copy = new SetObject(Members.Count);
        foreach (ref var entry in Members)
            copy.Members.AddNew(entry);   // member arrays never change, so they can be shared
        return copy;
    }

    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found)
    {
        var collector = new MatchingCollector<SetMember>(found, pattern, static (into, entry) => into.Add(entry.Member));
        return Members.Scan(cursor, count, ref collector);
    }

    public override ScanTable<SetMember> RandomSource() => Members;

    public override SetMember RandomMember() => Members.Random(Random.Shared);

    protected override ElementCursor OpenCursor() => throw new InvalidOperationException("a memory set enumerates itself");

    public static SetObject ReadFrom(ref SnapshotReader reader)
    {
        int count = reader.ReadCount();
        var set = new SetObject(count);
        for (int i = 0; i < count; i++)
            set.Members.AddNew(new SetMember(reader.ReadBytes().ToArray()));
        return set;
    }
}

public readonly struct SetMember(byte[] member) : IScanEntry
{
    public byte[] Member { get; } = member;

    public ReadOnlySpan<byte> Key => Member;
}
