using System.Buffers.Binary;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// How a stream lies on disk (Kvrocks-style, part of <see cref="DiskFormat"/>'s format).
/// <para><b>Metadata record</b> (type code 8, <see cref="RecordBytes"/> long): the collection header
/// (flags, expire, version, size = live entries), then the last generated ID, the first live
/// entry's ID and the largest deleted ID (each ms and seq, uint64 little-endian), entries ever
/// added and the number of consumer groups (uint64 little-endian), and the master IDs of the first
/// and last blocks (0-0: look it up), so XADD and trims find their block with one point read,
/// never by seeking across the deletions a trimmed stream leaves before its first entry.</para>
/// <para><b>Subkeys</b> at the stream's version, the field opening with a tag byte:</para>
/// <list type="bullet">
/// <item><c>1 | ms | seq</c> (uint64 big-endian each, so entries sort in ID order): an entry; value =
///   its pairs as <see cref="StreamNode.EncodePairs"/> writes them (field count, then length-prefixed
///   field and value bytes, varints).</item>
/// <item><c>2 | master ms | master seq</c>: a block of entries as the memory engine and Redis lay
///   them out (see <see cref="NodeRecord"/>), kept so approximate trims (whole blocks only) and
///   XINFO answer as there: entries written (deleted ones included) and live (uint32 LE), bytes
///   (uint64 LE, the memory engine's count), the last ID written (2 × uint64 LE), the master's
///   field names (uint32 LE count, then uint32 LE length and bytes each). A block's live entries
///   are the stream's live entries from its master up to the next block's master.</item>
/// <item><c>3 | group name</c>: a consumer group's record (<see cref="DiskStreamGroup"/>): last
///   delivered ID (ms, seq), entries read, pending entries, then its consumers in name order, each
///   name, seen time and pending entries (varints, int64s and length-prefixed bytes as
///   <see cref="SnapshotWriter"/> writes them). Its PEL is not in it: an XACK or a claim touches
///   the entries it names, whatever the PEL's size (Kvrocks' layout).</item>
/// <item><c>4 | group name length (uint32 BE) | group name | ms | seq</c>: a pending entry of that
///   group; value = delivery time (int64 LE), delivery count (int64 LE), owning consumer's name.</item>
/// <item><c>5 | group name length | group name | consumer name length (uint32 BE) | consumer name |
///   ms | seq</c>: the same entry in its consumer's list (empty value), so a consumer's pending
///   entries are a walk of their own (XREADGROUP's history, XPENDING … consumer).</item>
/// </list>
/// </summary>
internal static class DiskStreamFormat
{
    public const byte EntryTag = 1;
    public const byte NodeTag = 2;
    public const byte GroupTag = 3;
    public const byte PendingTag = 4;
    public const byte ConsumerPendingTag = 5;

    public const int RecordBytes = DiskFormat.CollectionBytes + 3 * 16 + 16 + 2 * 16;

    public static void WriteId(Span<byte> into, StreamId id)
    {
        BinaryPrimitives.WriteUInt64BigEndian(into, id.Ms);
        BinaryPrimitives.WriteUInt64BigEndian(into[8..], id.Seq);
    }

    public static StreamId ReadId(ReadOnlySpan<byte> from) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(from), BinaryPrimitives.ReadUInt64BigEndian(from[8..]));

    /// <summary>A tag and an ID as a subkey field (entries and blocks).</summary>
    public static byte[] Field(byte tag, StreamId id)
    {
        var field = new byte[17];
        field[0] = tag;
        WriteId(field.AsSpan(1), id);
        return field;
    }

    /// <summary>The field prefix of a group's pending entries (tag 4), or of all its consumers' lists (tag 5).</summary>
    public static byte[] GroupScope(byte tag, ReadOnlySpan<byte> group)
    {
        var scope = new byte[5 + group.Length];
        scope[0] = tag;
        BinaryPrimitives.WriteUInt32BigEndian(scope.AsSpan(1), (uint)group.Length);
        group.CopyTo(scope.AsSpan(5));
        return scope;
    }

    /// <summary>The field prefix of one consumer's pending entries.</summary>
    public static byte[] ConsumerScope(byte[] consumersScope, ReadOnlySpan<byte> consumer)
    {
        var scope = new byte[consumersScope.Length + 4 + consumer.Length];
        consumersScope.CopyTo(scope, 0);
        BinaryPrimitives.WriteUInt32BigEndian(scope.AsSpan(consumersScope.Length), (uint)consumer.Length);
        consumer.CopyTo(scope.AsSpan(consumersScope.Length + 4));
        return scope;
    }

    /// <summary>A scope and an ID as a subkey field (pending entries).</summary>
    public static byte[] Field(byte[] scope, StreamId id)
    {
        var field = new byte[scope.Length + 16];
        scope.CopyTo(field, 0);
        WriteId(field.AsSpan(scope.Length), id);
        return field;
    }

    /// <summary>The stream's own part of its metadata record.</summary>
    public readonly record struct Bookkeeping(long Count, StreamId LastId, StreamId FirstId, StreamId MaxDeletedId, long EntriesAdded, long Groups, StreamId HeadMaster, StreamId TailMaster);

    public static byte[] WriteRecord(long expireAt, ulong version, in Bookkeeping stream)
    {
        var record = new byte[RecordBytes];
        record[0] = (byte)DiskFormat.TypeCode.Stream;
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(1), expireAt);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(DiskFormat.HeaderBytes), version);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(DiskFormat.HeaderBytes + 8), stream.Count);
        var rest = record.AsSpan(DiskFormat.CollectionBytes);
        WriteLittleEndian(rest, stream.LastId);
        WriteLittleEndian(rest[16..], stream.FirstId);
        WriteLittleEndian(rest[32..], stream.MaxDeletedId);
        BinaryPrimitives.WriteInt64LittleEndian(rest[48..], stream.EntriesAdded);
        BinaryPrimitives.WriteInt64LittleEndian(rest[56..], stream.Groups);
        WriteLittleEndian(rest[64..], stream.HeadMaster);
        WriteLittleEndian(rest[80..], stream.TailMaster);
        return record;
    }

    public static Bookkeeping ReadRecord(ReadOnlySpan<byte> record)
    {
        var rest = record[DiskFormat.CollectionBytes..];
        return new(BinaryPrimitives.ReadInt64LittleEndian(record[(DiskFormat.HeaderBytes + 8)..]),
            ReadLittleEndian(rest), ReadLittleEndian(rest[16..]), ReadLittleEndian(rest[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(rest[48..]), BinaryPrimitives.ReadInt64LittleEndian(rest[56..]), ReadLittleEndian(rest[64..]), ReadLittleEndian(rest[80..]));
    }

    private static void WriteLittleEndian(Span<byte> into, StreamId id)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(into, id.Ms);
        BinaryPrimitives.WriteUInt64LittleEndian(into[8..], id.Seq);
    }

    private static StreamId ReadLittleEndian(ReadOnlySpan<byte> from) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(from), BinaryPrimitives.ReadUInt64LittleEndian(from[8..]));

    /// <summary>A block's record: where it starts, how full it is, and its master's field names.</summary>
    public sealed class NodeRecord(StreamId master, byte[][] masterFields)
    {
        public StreamId Master { get; } = master;

        public byte[][] MasterFields { get; } = masterFields;

        /// <summary>Entries written, deleted ones included (they count towards the block's capacity, as in Redis).</summary>
        public int Total { get; set; }

        public int Live { get; set; }

        public long Bytes { get; set; }

        public StreamId LastWritten { get; set; }

        /// <summary>Whether an entry of <paramref name="payload"/> field and value bytes must start a new block (<see cref="StreamNode.IsFullFor"/>).</summary>
        public bool IsFullFor(long payload) =>
            Bytes + payload >= StreamLimits.EffectiveNodeMaxBytes || (StreamLimits.NodeMaxEntries > 0 && Total >= StreamLimits.NodeMaxEntries);

        public byte[] Write()
        {
            int size = 4 + 4 + 8 + 16 + 4;
            foreach (var field in MasterFields)
                size += 4 + field.Length;
            var value = new byte[size];
            var into = value.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(into, Total);
            BinaryPrimitives.WriteInt32LittleEndian(into[4..], Live);
            BinaryPrimitives.WriteInt64LittleEndian(into[8..], Bytes);
            WriteLittleEndian(into[16..], LastWritten);
            BinaryPrimitives.WriteInt32LittleEndian(into[32..], MasterFields.Length);
            int at = 36;
            foreach (var field in MasterFields)
            {
                BinaryPrimitives.WriteInt32LittleEndian(into[at..], field.Length);
                field.CopyTo(into[(at + 4)..]);
                at += 4 + field.Length;
            }
            return value;
        }

        public static NodeRecord Read(StreamId master, ReadOnlySpan<byte> value)
        {
            if (value.Length < 36)
                throw new InvalidDataException("stream block record shorter than its header");
            var fields = new byte[BinaryPrimitives.ReadInt32LittleEndian(value[32..])][];
            int at = 36;
            for (int i = 0; i < fields.Length; i++)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(value[at..]);
                fields[i] = value.Slice(at + 4, length).ToArray();
                at += 4 + length;
            }
            return new NodeRecord(master, fields)
            {
                Total = BinaryPrimitives.ReadInt32LittleEndian(value),
                Live = BinaryPrimitives.ReadInt32LittleEndian(value[4..]),
                Bytes = BinaryPrimitives.ReadInt64LittleEndian(value[8..]),
                LastWritten = ReadLittleEndian(value[16..]),
            };
        }
    }
}
