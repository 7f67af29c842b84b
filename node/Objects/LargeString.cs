using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A string too large for one record of the memory engine's log (a record must fit in a page, 8 MB
/// by default): kept in the object space instead, so the memory engine holds strings up to
/// proto-max-bulk-len (512 MB) as Redis does. Never changed in place: every write of the key
/// stores a new one, so captures, pins and COPY share it safely. Its snapshot entry is exactly a
/// string entry (type, key, expiry, bytes), so any engine loads it as a string.
/// </summary>
public sealed class LargeString(byte[] bytes) : StoredObject
{
    public byte[] Bytes { get; } = bytes;

    public override KeyType Type => KeyType.String;

    /// <summary>Its bytes: a removal of a large one counts toward giving memory back.</summary>
    public override long Length => Bytes.Length;

    public override long EstimatedBytes => Bytes.Length;

    public override string Encoding => "raw";

    public override StoredObject Clone() => this;

    public override void WriteTo(SnapshotWriter writer) => writer.WriteBytes(Bytes);

    public static LargeString ReadFrom(ref SnapshotReader reader) => new(reader.ReadBytes().ToArray());
}
