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
///   a list its <c>head</c> and <c>tail</c> indexes (uint64 LE), for a ranklist its MAXLEN (int64
///   LE, 0 = none), for a bloom filter (size = items added) its error rate (double LE), expansion
///   (int32 LE), NONSCALING (1 byte) and per layer capacity (int64), error rate (double), hashes
///   (int32), bits (int64) and items (int64), all little-endian. A record's length must match its
///   type (25 bytes for a hash, set or sorted set, 41 for a list, 33 for a ranklist, 38 + 36 per
///   layer for a bloom filter), else it is refused as damaged.</item>
/// <item><c>subkey</c>: a collection's elements. Key = <c>key length</c> (uint32 big-endian) |
///   <c>key</c> | <c>version</c> (uint64 big-endian) | <c>field</c>: a hash field (value = its
///   value), a set member (empty value), a list item (field = index as uint64 BE), a sorted-set
///   or ranklist member (value = its score, an IEEE-754 double little-endian), a bloom filter's
///   chunk of 64 bit-array words (field = layer uint32 BE | chunk uint64 BE, value = 512 bytes of
///   little-endian words; a chunk never set is absent).</item>
/// <item><c>score</c>: the sorted-set index, key = <c>key length</c> | <c>key</c> | <c>version</c> |
///   <c>score</c> (8 bytes big-endian ordered as the numbers: the IEEE-754 double's bits, sign bit
///   flipped for positives, all bits flipped for negatives; -0 written as 0) | <c>member</c>, so a
///   key's entries sort by score, then member bytes: Redis's order. Value empty, except for a score
///   of -0, whose value is that exact score (8 bytes as in <c>subkey</c>). NaN is never stored.
///   A ranklist's entries are laid out alike with the 8 score bytes inverted, so they sort by
///   score descending, then member ascending: best first.</item>
/// </list>
///
/// <para>A collection's version is new each time the key is created, so DEL, expiry or overwrite
/// of a huge collection is one metadata write: its old subkeys no longer match any live version
/// and a compaction filter on <c>subkey</c> (<see cref="StaleSubkeyFilter"/>) drops them. The metadata
/// filter (<see cref="ExpiredKeyFilter"/>) drops expired keys; the same subkey filter runs on
/// <c>score</c>, whose keys start alike. Stored today: strings, hashes, sets (a set member's
/// subkey value is empty), lists (a new list's head and tail start at 2^63, the element at position
/// i is at index head + i, tail is one past the last), sorted sets (a 25-byte record like a
/// hash's; every member in both <c>subkey</c> and <c>score</c>), ranklists (as sorted sets, with
/// MAXLEN in the record), bloom filters (bit-array chunks as subkeys) and streams (type 8, see
/// <see cref="DiskStreamFormat"/>).</para>
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
        Stream = 8,
        Bloom = 9,
        RankList = 12,   // istore's own
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
            TypeCode.List when record.Length == ListBytes => KeyType.List,
            TypeCode.SortedSet when record.Length == CollectionBytes => KeyType.ZSet,
            TypeCode.RankList when record.Length == RankListBytes => KeyType.RankList,
            TypeCode.Bloom when IsBloomRecord(record.Length) => KeyType.Bloom,
            TypeCode.Stream when record.Length == DiskStreamFormat.RecordBytes => KeyType.Stream,
            var code => throw new InvalidDataException($"metadata record of type {code} ({record.Length} bytes) is not supported by this version"),
        };
        return (type, BinaryPrimitives.ReadInt64LittleEndian(record[1..]));
    }

    /// <summary>A collection's metadata record (hash, set, sorted set): header, version, size.</summary>
    public const int CollectionBytes = HeaderBytes + 16;

    public static ReadOnlySpan<byte> VersionKey => "istore:version"u8;

    /// <summary>A list's metadata record: a collection's, then head and tail indexes.</summary>
    public const int ListBytes = CollectionBytes + 16;

    /// <summary>Where a new list's head and tail start, so it can grow either way.</summary>
    public const ulong ListMiddle = 1UL << 63;

    /// <summary>A ranklist's metadata record: a collection's, then its MAXLEN (int64 LE, 0 = none).</summary>
    public const int RankListBytes = CollectionBytes + 8;

    /// <summary>A bloom filter's metadata record: a collection's (size = items added), then its parameters, then its layers.</summary>
    public const int BloomBytes = CollectionBytes + 13;

    /// <summary>A bloom layer in the metadata record: capacity, error rate, hashes, bits, items.</summary>
    public const int BloomLayerBytes = 36;

    private static bool IsBloomRecord(int length) => length > BloomBytes && (length - BloomBytes) % BloomLayerBytes == 0;

    /// <summary>The bytes a collection's metadata record takes.</summary>
    public static int CollectionRecordBytes(in CollectionMetadata metadata) =>
        metadata.Type == KeyType.List ? ListBytes : CollectionBytes + (metadata.Extra?.Length ?? 0);

    /// <summary>Writes a collection's metadata record into <paramref name="into"/> (<see cref="CollectionRecordBytes"/> long); returns its length.</summary>
    public static int WriteCollection(Span<byte> into, in CollectionMetadata metadata)
    {
        into[0] = (byte)(metadata.Type switch
        {
            KeyType.Hash => TypeCode.Hash,
            KeyType.Set => TypeCode.Set,
            KeyType.ZSet => TypeCode.SortedSet,
            KeyType.RankList => TypeCode.RankList,
            KeyType.Bloom => TypeCode.Bloom,
            _ => TypeCode.List,
        });
        BinaryPrimitives.WriteInt64LittleEndian(into[1..], metadata.ExpireAt);
        BinaryPrimitives.WriteUInt64LittleEndian(into[HeaderBytes..], metadata.Version);
        BinaryPrimitives.WriteInt64LittleEndian(into[(HeaderBytes + 8)..], metadata.Size);
        if (metadata.Type != KeyType.List)
        {
            metadata.Extra?.CopyTo(into[CollectionBytes..]);
            return CollectionRecordBytes(metadata);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(into[CollectionBytes..], metadata.Head);
        BinaryPrimitives.WriteUInt64LittleEndian(into[(CollectionBytes + 8)..], metadata.Tail);
        return ListBytes;
    }

    /// <summary>A collection's metadata record read back (the header already read by <see cref="ReadHeader"/>).</summary>
    public static CollectionMetadata ReadCollection(ReadOnlySpan<byte> record, KeyType type, long expireAt) => new(type, expireAt,
        VersionOf(record), BinaryPrimitives.ReadInt64LittleEndian(record[(HeaderBytes + 8)..]),
        type == KeyType.List ? BinaryPrimitives.ReadUInt64LittleEndian(record[CollectionBytes..]) : ListMiddle,
        type == KeyType.List ? BinaryPrimitives.ReadUInt64LittleEndian(record[(CollectionBytes + 8)..]) : ListMiddle,
        type is KeyType.RankList or KeyType.Bloom ? record[CollectionBytes..].ToArray() : null);

    public static ulong VersionOf(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt64LittleEndian(record[HeaderBytes..]);

    /// <summary>Whether a metadata record holds a collection (its subkeys are live at its version).</summary>
    public static bool IsCollection(ReadOnlySpan<byte> record) => (TypeCode)(record[0] & 0x0F) switch
    {
        TypeCode.Hash or TypeCode.Set or TypeCode.SortedSet => record.Length == CollectionBytes,
        TypeCode.List => record.Length == ListBytes,
        TypeCode.RankList => record.Length == RankListBytes,
        TypeCode.Bloom => IsBloomRecord(record.Length),
        TypeCode.Stream => record.Length == DiskStreamFormat.RecordBytes,
        _ => false,
    };

    /// <summary>A list element's subkey field: its index, big-endian so fields sort in list order.</summary>
    public static void WriteIndex(Span<byte> field, ulong index) => BinaryPrimitives.WriteUInt64BigEndian(field, index);

    /// <summary>A sorted-set member's subkey value: its exact score, IEEE-754 little-endian.</summary>
    public static void WriteScoreValue(Span<byte> value, double score) => BinaryPrimitives.WriteDoubleLittleEndian(value, score);

    public static double ReadScoreValue(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadDoubleLittleEndian(value);

    /// <summary>
    /// A score in a <c>score</c> key, as a number written big-endian: 8 bytes that sort as the
    /// numbers do, or in reverse when the index runs from the highest score (a ranklist's). -0 is
    /// written as 0, since both orders take the two as equal (by member); its exact score is then
    /// the entry's value. A seek can step past a score by adding one.
    /// </summary>
    public static ulong IndexedScore(double score, bool descending)
    {
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(score == 0 ? 0.0 : score);
        ulong ordered = (bits & SignBit) == 0 ? bits | SignBit : ~bits;
        return descending ? ~ordered : ordered;
    }

    public static double ReadIndexedScore(ReadOnlySpan<byte> from, bool descending)
    {
        ulong ordered = BinaryPrimitives.ReadUInt64BigEndian(from);
        if (descending)
            ordered = ~ordered;
        return BitConverter.Int64BitsToDouble((long)((ordered & SignBit) != 0 ? ordered & ~SignBit : ~ordered));
    }

    private const ulong SignBit = 1UL << 63;

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

    /// <summary>
    /// What a key counts toward the dataset's size under maxmemory (see DiskEngine.DataBytes): as the
    /// memory engine's estimate, its key, its record and 48 bytes, and for a collection a flat 64
    /// bytes per element (the size in its record, so the elements themselves are never read).
    /// </summary>
    public static long DataBytes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record) =>
        key.Length + record.Length + 48 + (IsCollection(record) ? 64 * Math.Max(0, BinaryPrimitives.ReadInt64LittleEndian(record[(HeaderBytes + 8)..])) : 0);
}

/// <summary>A collection's metadata record: type, expiry, version, size, and for a list its head and tail indexes.</summary>
/// <summary>A collection's metadata record: type, expiry, version, size, for a list its head and tail indexes, for a ranklist or bloom filter the record's type-specific rest.</summary>
internal readonly record struct CollectionMetadata(KeyType Type, long ExpireAt, ulong Version, long Size,
    ulong Head = DiskFormat.ListMiddle, ulong Tail = DiskFormat.ListMiddle, byte[]? Extra = null);
