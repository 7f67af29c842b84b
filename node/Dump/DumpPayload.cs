using System.Buffers;
using System.Buffers.Binary;
using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Dump;

/// <summary>What a DUMP payload holds: a string's bytes, or a collection as a memory object (the engine stores its own form).</summary>
public readonly record struct RestoredValue(KeyType Type, byte[]? String, StoredObject? Object);

/// <summary>
/// DUMP payloads in Redis 7.0's format: the RDB type byte, the value as rdbSaveObject writes it,
/// the RDB version (2 bytes, little-endian) and the CRC-64 of all that (8 bytes, little-endian).
/// Written as Redis 7.0 writes the same value (<see cref="CompactEncodings"/>: listpack hashes and
/// sorted sets, intsets, quicklists, where OBJECT ENCODING names them) or in the plain
/// encodings (sets, hashes, ZSET_2), read in every encoding Redis has written since 2.6 (zipmap,
/// ziplist, intset, quicklist, listpack).
/// </summary>
public static class DumpPayload
{
    /// <summary>Serializes a string value into <paramref name="writer"/> (reset first), sealed.</summary>
    public static void WriteString(RdbWriter writer, ReadOnlySpan<byte> value)
    {
        writer.Reset();
        writer.WriteByte(RdbType.String);
        writer.WriteString(value);
        writer.Seal();
    }

    /// <summary>Serializes a collection of either engine into <paramref name="writer"/> (reset first), sealed.</summary>
    public static void WriteObject(RdbWriter writer, StoredObject value)
    {
        writer.Reset();
        switch (value)
        {
            case ListValue list:
                CompactEncodings.WriteList(writer, list);
                break;
            case SetValue set when set.Encoding == "intset":
                CompactEncodings.WriteIntset(writer, set);
                break;
            case SetValue set:
                writer.WriteByte(RdbType.Set);
                writer.WriteLength((ulong)set.Length);
                foreach (var member in set)
                    writer.WriteString(member.Key);
                break;
            case SortedSetValue sortedSet when sortedSet.Encoding == "listpack":
                CompactEncodings.WriteSortedSet(writer, sortedSet);
                break;
            case SortedSetValue sortedSet:
                writer.WriteByte(RdbType.ZSet2);
                writer.WriteLength((ulong)sortedSet.Length);
                foreach (var entry in sortedSet)
                {
                    writer.WriteString(entry.Member);
                    writer.WriteBinaryDouble(entry.Score);
                }
                break;
            case HashValue hash when hash.Encoding == "listpack":
                CompactEncodings.WriteHash(writer, hash);
                break;
            case HashValue hash:
                writer.WriteByte(RdbType.Hash);
                writer.WriteLength((ulong)hash.Length);
                foreach (var pair in hash)
                {
                    writer.WriteString(pair.Field);
                    writer.WriteString(pair.Value);
                }
                break;
            case Objects.Streams.StreamValue stream:
                writer.WriteByte(RdbType.StreamListpacks2);
                StreamDump.Write(writer, stream);
                break;
            case RankListValue or BloomValue:
                writer.WriteByte(value.Type == KeyType.RankList ? RdbType.IstoreRankList : RdbType.IstoreBloom);
                WriteCheckpointEncoding(writer, value);
                break;
            default:
                throw new InvalidOperationException($"no DUMP encoding for {value.Type}");
        }
        writer.Seal();
    }

    /// <summary>istore's own types travel in their checkpoint encoding, as one RDB string.</summary>
    private static void WriteCheckpointEncoding(RdbWriter writer, StoredObject value)
    {
        var bytes = new ArrayBufferWriter<byte>();
        var snapshot = new SnapshotWriter(chunk => bytes.Write(chunk));
        value.WriteTo(snapshot);
        snapshot.Flush();
        writer.WriteLength((ulong)bytes.WrittenCount);
        writer.WriteRaw(bytes.WrittenSpan);
    }

    /// <summary>
    /// Redis's verifyDumpPayload: at least the 10-byte footer, a version not above 10, and the
    /// CRC-64 of everything before the checksum.
    /// </summary>
    public static bool IsIntact(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 10)
            return false;
        var footer = payload[^10..];
        if (BinaryPrimitives.ReadUInt16LittleEndian(footer) > RdbType.Version)
            return false;
        return Crc64Jones.Compute(payload[..^8]) == BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]);
    }

    /// <summary>Decodes an intact payload (see <see cref="IsIntact"/>); throws <see cref="BadDumpFormatException"/> when the value does not decode.</summary>
    public static RestoredValue Read(ReadOnlySpan<byte> payload)
    {
        var reader = new RdbReader(payload[..^10]);
        byte type = reader.ReadByte();
        return type switch
        {
            RdbType.String => new(KeyType.String, reader.ReadString().ToArray(), null),
            RdbType.List or RdbType.ListZiplist or RdbType.ListQuicklist or RdbType.ListQuicklist2 => Of(RdbCollections.ReadList(ref reader, type)),
            RdbType.Set or RdbType.SetIntset => Of(RdbCollections.ReadSet(ref reader, type)),
            RdbType.ZSet or RdbType.ZSet2 or RdbType.ZSetZiplist or RdbType.ZSetListpack => Of(RdbCollections.ReadSortedSet(ref reader, type)),
            RdbType.Hash or RdbType.HashZipmap or RdbType.HashZiplist or RdbType.HashListpack => Of(RdbCollections.ReadHash(ref reader, type)),
            RdbType.StreamListpacks or RdbType.StreamListpacks2 => Of(StreamDump.Read(ref reader, type)),
            RdbType.IstoreRankList or RdbType.IstoreBloom => Of(ReadCheckpointEncoding(ref reader, type)),
            _ => throw new BadDumpFormatException($"unknown value type {type}"),
        };
    }

    private static RestoredValue Of(StoredObject value) => new(value.Type, null, value);

    private static StoredObject ReadCheckpointEncoding(ref RdbReader reader, byte type)
    {
        var snapshot = new SnapshotReader(reader.ReadString());
        try
        {
            // A ranklist interns its members into the database's table once a key holds it.
            var value = ObjectSerializer.Read(type == RdbType.IstoreRankList ? KeyType.RankList : KeyType.Bloom, ref snapshot, new Ranklist.MemberTable());
            return snapshot.AtEnd ? value : throw new BadDumpFormatException("bytes after the value");
        }
        catch (InvalidDataException ex)
        {
            throw new BadDumpFormatException(ex.Message);
        }
    }
}
