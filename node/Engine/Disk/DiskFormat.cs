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
///   little-endian, rewritten in every write batch so DBSIZE is exact after a crash;
///   <c>istore:version</c> = the last collection version handed out (uint64 little-endian), written
///   in the same batch as the metadata that uses it, so a version is never handed out twice.</item>
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
/// and a compaction filter on <c>subkey</c> (<see cref="StaleSubkeyFilter"/>) drops them. The metadata
/// filter (<see cref="ExpiredKeyFilter"/>) drops expired keys. Stored today: strings, hashes and
/// sets (a set member's subkey value is empty); the list, sorted-set and <c>score</c> layouts above
/// are reserved for those types.</para>
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
            TypeCode.Hash when record.Length == CollectionBytes => KeyType.Hash,
            TypeCode.Set when record.Length == CollectionBytes => KeyType.Set,
            var code => throw new InvalidDataException($"metadata record of type {code} ({record.Length} bytes) is not supported by this version"),
        };
        return (type, BinaryPrimitives.ReadInt64LittleEndian(record[1..]));
    }

    /// <summary>A collection's metadata record: header, version, size.</summary>
    public const int CollectionBytes = HeaderBytes + 16;

    public static ReadOnlySpan<byte> VersionKey => "istore:version"u8;

    /// <summary>Writes a hash's or set's metadata record into <paramref name="into"/> (<see cref="CollectionBytes"/> long).</summary>
    public static void WriteCollection(Span<byte> into, KeyType type, long expireAt, ulong version, long size)
    {
        into[0] = (byte)(type == KeyType.Hash ? TypeCode.Hash : TypeCode.Set);
        BinaryPrimitives.WriteInt64LittleEndian(into[1..], expireAt);
        BinaryPrimitives.WriteUInt64LittleEndian(into[HeaderBytes..], version);
        BinaryPrimitives.WriteInt64LittleEndian(into[(HeaderBytes + 8)..], size);
    }

    /// <summary>The version and size of a collection's metadata record.</summary>
    public static (ulong Version, long Size) ReadCollection(ReadOnlySpan<byte> record) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(record[HeaderBytes..]), BinaryPrimitives.ReadInt64LittleEndian(record[(HeaderBytes + 8)..]));

    /// <summary>Whether a metadata record holds a collection (its subkeys are live at its version).</summary>
    public static bool IsCollection(ReadOnlySpan<byte> record) =>
        record.Length == CollectionBytes && (TypeCode)(record[0] & 0x0F) is TypeCode.Hash or TypeCode.Set;

    /// <summary>Changes the expiry of a metadata record of any type in place.</summary>
    public static void SetExpireAt(Span<byte> record, long expireAt) => BinaryPrimitives.WriteInt64LittleEndian(record[1..], expireAt);

    /// <summary>The subkey prefix of a collection's elements: key length (uint32 BE), key, version (uint64 BE).</summary>
    public static byte[] SubkeyPrefix(ReadOnlySpan<byte> key, ulong version)
    {
        var prefix = new byte[4 + key.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)key.Length);
        key.CopyTo(prefix.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(prefix.AsSpan(4 + key.Length), version);
        return prefix;
    }

    /// <summary>The user key and version a subkey belongs to; false for a subkey too short to be ours.</summary>
    public static bool TryParseSubkey(ReadOnlySpan<byte> subkey, out ReadOnlySpan<byte> key, out ulong version)
    {
        key = default;
        version = 0;
        if (subkey.Length < 12)
            return false;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(subkey);
        if (length > subkey.Length - 12)
            return false;
        key = subkey.Slice(4, (int)length);
        version = BinaryPrimitives.ReadUInt64BigEndian(subkey[(4 + (int)length)..]);
        return true;
    }

    /// <summary>The expiry of a metadata record without interpreting its type (compaction filter).</summary>
    public static long ExpireAt(ReadOnlySpan<byte> record) =>
        record.Length >= HeaderBytes ? BinaryPrimitives.ReadInt64LittleEndian(record[1..]) : 0;

    public static ReadOnlySpan<byte> StringValue(ReadOnlySpan<byte> record) => record[HeaderBytes..];
}
