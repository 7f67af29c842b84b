using System.Buffers.Binary;
using System.IO.Hashing;
using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// DEBUG DIGEST: one hash of the whole dataset, equal on two nodes exactly when they hold the same
/// keys, types, values and expiries (Redis's semantics: 40 hex digits, all zeros when empty). Keys
/// combine by XOR, so the order a node stores them in does not matter; so do the elements of
/// hashes, sets, sorted sets and ranklists (so either engine gives the same digest); lists, bloom filters and streams hash their ordered encoding
/// (a stream's without consumers' seen times, which are a node's own clock).
/// </summary>
internal static class DatasetDigest
{
    public static string Compute(IEngineSession session)
    {
        UInt128 digest = 0;
        long keys = 0;
        DatasetEntries.ForEachKey(session, writtenByCaller: null, (key, type, value, collection, expireAt) =>
        {
            digest ^= Entry(key, type, value, collection, expireAt);
            keys++;
        });
        if (keys == 0)
            return new string('0', 40);
        return $"{digest:x32}{(uint)keys:x8}";
    }

    /// <summary>
    /// DEBUG DIGEST-VALUE: one key's value and expiry, without its name (so a copy under another
    /// name digests the same), 40 hex digits; all zeros for a missing key, as Redis.
    /// </summary>
    public static string OfKey(IEngineSession session, ReadOnlySpan<byte> key)
    {
        UInt128 digest = 0;
        var value = new ValueBuffer(256);
        bool found = DatasetEntries.VisitKey(session, key, stringsOnly: false, ref value,
            (_, type, stringValue, collection, expireAt) => digest = Entry([], type, stringValue, collection, expireAt));
        return found ? $"{digest:x32}{(uint)(digest >> 96):x8}" : new string('0', 40);
    }

    private static UInt128 Entry(ReadOnlySpan<byte> key, KeyType type, ReadOnlySpan<byte> value, StoredObject? collection, long expireAt)
    {
        var header = new XxHash128();
        header.Append([(byte)type]);
        header.Append(key);
        Span<byte> expiry = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(expiry, expireAt);
        header.Append(expiry);
        return header.GetCurrentHashAsUInt128() * 31 + (collection is null ? Hash(value) : Of(collection));
    }

    private static UInt128 Of(StoredObject value)
    {
        UInt128 sum = 0;
        switch (value)
        {
            case HashValue hash:
                foreach (var pair in hash)
                    sum ^= Hash(pair.Field, pair.Value);
                return sum;
            case SetValue set:
                foreach (var member in set)
                    sum ^= Hash(member.Key);
                return sum;
            case SortedSetValue sortedSet:
                var score = new byte[8];
                foreach (var entry in sortedSet)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(score, entry.Score);
                    sum ^= Hash(entry.Member, score);
                }
                return sum;
            case RankListValue rankList:
                var bytes = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(bytes, rankList.MaxLength);
                sum = Hash(bytes);
                rankList.VisitRanks(0, rankList.Length, (member, entryScore) =>
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(bytes, entryScore);
                    sum ^= Hash(member, bytes);
                });
                return sum;
            default:
                var ordered = new XxHash128();
                var writer = new SnapshotWriter(chunk => ordered.Append(chunk));
                if (value is Objects.Streams.StreamValue stream)
                    stream.WriteContentTo(writer);
                else
                    value.WriteTo(writer);
                writer.Flush();
                return ordered.GetCurrentHashAsUInt128();
        }
    }

    private static UInt128 Hash(ReadOnlySpan<byte> bytes) => XxHash128.HashToUInt128(bytes);

    private static UInt128 Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hash = new XxHash128();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, first.Length);
        hash.Append(length);
        hash.Append(first);
        hash.Append(second);
        return hash.GetCurrentHashAsUInt128();
    }
}
