using System.Buffers.Binary;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The disk engine's on-disk format (Kvrocks-style), version <see cref="FormatVersion"/>. Users' data
/// lives in it: change it only with a new version and a migration.
///
/// <para><b>Column families</b></para>
/// <list type="bullet">
/// <item><c>default</c>: the engine's own records. <c>istore:format</c> = "istore-disk/1" (a database
///   without it is refused as foreign); <c>istore:counts</c> = keys and keys-with-expiry, two int64
///   little-endian, rewritten in every write batch so DBSIZE is exact after a crash.</item>
/// <item><c>metadata</c>: one record per user key. Key = the user key's bytes. Value =
///   <c>flags</c> (1 byte: low 4 bits the type, <see cref="TypeCode"/>; high bits 0),
///   <c>expire</c> (int64 little-endian, absolute Unix ms, 0 = none), then per type:
///   a string's value bytes inline (one read per GET, as Kvrocks);
///   a collection's <c>version</c> (uint64 LE) and <c>size</c> (uint64 LE, elements), then for
///   a list its <c>head</c> and <c>tail</c> indexes (uint64 LE).</item>
/// <item><c>subkey</c>: a collection's elements. Key = <c>key length</c> (uint32 big-endian) |
///   <c>key</c> | <c>version</c> (uint64 big-endian) | <c>field</c>: a hash field (value = its
///   value), a set member (empty value), a list item (field = index as uint64 BE), a sorted-set
///   member (value = score).</item>
/// <item><c>score</c>: the sorted-set index, key = <c>key length</c> | <c>key</c> | <c>version</c> |
///   <c>score</c> (8 bytes ordered as the numbers: the IEEE-754 double's bits, sign bit flipped for
///   positives, all bits flipped for negatives) | <c>member</c>; empty value.</item>
/// </list>
///
/// <para>A collection's version is new each time the key is created, so DEL, expiry or overwrite
/// of a huge collection is one metadata write: its old subkeys no longer match any live version
/// and a compaction filter on <c>subkey</c>/<c>score</c> drops them. The metadata filter
/// (<see cref="ExpiredKeyFilter"/>) drops expired keys. This version stores strings; the
/// collection layouts above are reserved for the collection types.</para>
/// </summary>
internal static class DiskFormat
{
    public const string FormatVersion = "istore-disk/1";

    public const string DefaultFamily = "default";
    public const string MetadataFamily = "metadata";
    public const string SubkeyFamily = "subkey";
    public const string ScoreFamily = "score";

    public static readonly string[] Families = [DefaultFamily, MetadataFamily, SubkeyFamily, ScoreFamily];

    public static ReadOnlySpan<byte> FormatKey => "istore:format"u8;
    public static ReadOnlySpan<byte> CountsKey => "istore:counts"u8;

    /// <summary>flags (1) + expire (8).</summary>
    public const int HeaderBytes = 9;

    /// <summary>The type codes in a metadata record's flags (Kvrocks' numbering).</summary>
    public enum TypeCode : byte
    {
        String = 1,
        Hash = 2,
        List = 3,
        Set = 4,
        SortedSet = 5,
    }

    /// <summary>Writes a string's metadata record (header, then the value) into <paramref name="into"/>.</summary>
    public static void WriteString(Span<byte> into, ReadOnlySpan<byte> value, long expireAt)
    {
        into[0] = (byte)TypeCode.String;
        BinaryPrimitives.WriteInt64LittleEndian(into[1..], expireAt);
        value.CopyTo(into[HeaderBytes..]);
    }

    /// <summary>Reads a metadata record's header; throws on a record too short to be ours.</summary>
    public static (KeyType Type, long ExpireAt) ReadHeader(ReadOnlySpan<byte> record)
    {
        if (record.Length < HeaderBytes)
            throw new InvalidDataException($"metadata record of {record.Length} bytes is shorter than its header");
        var type = (TypeCode)(record[0] & 0x0F) switch
        {
            TypeCode.String => KeyType.String,
            var code => throw new InvalidDataException($"metadata record of type {code} is not supported by this version"),
        };
        return (type, BinaryPrimitives.ReadInt64LittleEndian(record[1..]));
    }

    /// <summary>The expiry of a metadata record without interpreting its type (compaction filter).</summary>
    public static long ExpireAt(ReadOnlySpan<byte> record) =>
        record.Length >= HeaderBytes ? BinaryPrimitives.ReadInt64LittleEndian(record[1..]) : 0;

    public static ReadOnlySpan<byte> StringValue(ReadOnlySpan<byte> record) => record[HeaderBytes..];
}
