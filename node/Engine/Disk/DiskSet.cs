using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>A set on disk, for one command: members are subkeys with empty values.</summary>
internal sealed class DiskSet(SubkeyStore elements) : SetValue, IDiskCollection
{
    public SubkeyStore Elements => elements;

    public override long Length => elements.Size;

    /// <summary>What Redis 7.0 holds these contents in (<see cref="DiskEncodings"/>).</summary>
    public override string Encoding => Redis70Name(DiskEncodings.Set(this));

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    public override bool Add(ReadOnlySpan<byte> member) => elements.Put(member, []);

    public override bool Contains(ReadOnlySpan<byte> member) => elements.Contains(member);

    public override bool Remove(ReadOnlySpan<byte> member) => elements.Remove(member);

    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found) =>
        TryScanIntset(pattern, found) ? 0 : elements.Scan(cursor, DiskEncodings.ScanCount(count, Length, DiskEncodings.Set(this) != "hashtable"), pattern, found, withValues: false);

    public override SetMember RandomMember() => new(elements.RandomElement().Field);

    /// <summary>Reads the whole set: random picks on disk cost O(n).</summary>
    public override ScanTable<SetMember> RandomSource()
    {
        var table = new ScanTable<SetMember>((int)Math.Min(Length, int.MaxValue));
        foreach (var entry in this)
            table.AddNew(entry.Member);
        return table;
    }

    protected override ElementCursor OpenCursor() => elements.OpenCursor();
}
