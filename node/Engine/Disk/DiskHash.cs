using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>A collection the disk engine holds as subkeys: what <see cref="DiskSession.WriteObject"/> copies from.</summary>
internal interface IDiskCollection
{
    SubkeyStore Elements { get; }

    /// <summary>Writes what the command changed that is not yet in the batch: the metadata record (size, a list's ends), a bloom filter's chunks.</summary>
    void Save() => Elements.WriteMetadata();
}

/// <summary>A hash on disk, for one command: fields are subkeys whose value is the field's value.</summary>
internal sealed class DiskHash(SubkeyStore elements) : HashValue, IDiskCollection
{
    public SubkeyStore Elements => elements;

    public override long Length => elements.Size;

    /// <summary>What Redis holds these contents in (<see cref="DiskEncodings"/>).</summary>
    public override string Encoding => DiskEncodings.Hash(this);

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    public override bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) => elements.Put(field, value);

    public override bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value) => elements.TryGet(field, out value);

    public override bool Remove(ReadOnlySpan<byte> field) => elements.Remove(field);

    public override ulong Scan(ulong cursor, int count, GlobPattern? pattern, List<byte[]> found) =>
        elements.Scan(cursor, DiskEncodings.ScanCount(count, Length, Encoding == "listpack"), pattern, found, withValues: true);

    public override HashField RandomField()
    {
        var (field, value) = elements.RandomElement();
        return new HashField(field, value);
    }

    /// <summary>Reads the whole hash: random picks on disk cost O(n).</summary>
    public override ScanTable<HashField> RandomSource() => CopyToTable();

    protected override ElementCursor OpenCursor() => elements.OpenCursor();
}
