using System.Buffers.Binary;
using System.Globalization;
using Istore.Net.Commands;
using Istore.Node.Objects;

namespace Istore.Node.Dump;

/// <summary>
/// The compact RDB encodings Redis 7.0 DUMPs small collections in, built the way Redis builds them
/// so the bytes are Redis's: a listpack for a small hash (field, value in insertion order) or
/// sorted set (member, score in score order; an integral score as an integer, another as
/// "%.17g"), an intset for a small set of integers, and a quicklist of listpack nodes for every
/// list, split as appending elements one by one splits it under list-max-listpack-size.
/// Each blob is written as an RDB string, so it is LZF-compressed where Redis's would be.
/// </summary>
internal static class CompactEncodings
{
    /// <summary>Quicklist's per-node size estimate overhead and its byte limits for fill -1 … -5 (quicklist.c).</summary>
    private const int SizeEstimateOverhead = 8;
    private const int SizeSafetyLimit = 8192;
    private static readonly int[] OptimizationLevels = [4096, 8192, 16384, 32768, 65536];

    [ThreadStatic]
    private static ListpackWriter? _listpack;

    private static ListpackWriter Listpack()
    {
        var listpack = _listpack ??= new ListpackWriter();
        listpack.Reset();
        return listpack;
    }

    public static void WriteHash(RdbWriter writer, HashValue hash)
    {
        var listpack = Listpack();
        foreach (var pair in hash)
        {
            AddElement(listpack, pair.Field);
            AddElement(listpack, pair.Value);
        }
        writer.WriteByte(RdbType.HashListpack);
        WriteBlob(writer, listpack.Finish());
    }

    public static void WriteSortedSet(RdbWriter writer, SortedSetValue sortedSet)
    {
        var listpack = Listpack();
        Span<byte> text = stackalloc byte[32];
        // By rank (score, then member), Redis's listpack order: a disk set enumerates by member.
        foreach (var entry in sortedSet.EntriesAt(0, (int)sortedSet.Length, reverse: false))
        {
            AddElement(listpack, ScoredMember.MemberOf(entry));
            double score = ScoredMember.ScoreOf(entry);
            // Redis's double2ll: integral and within ±LLONG_MAX/2 goes in as an integer.
            if (score >= -(long.MaxValue / 2) && score <= long.MaxValue / 2 && score == Math.Truncate(score))
                listpack.AddInteger((long)score);
            else
                listpack.AddString(text[..FormatG17(score, text)]);
        }
        writer.WriteByte(RdbType.ZSetListpack);
        WriteBlob(writer, listpack.Finish());
    }

    /// <summary>Redis's d2string for a non-integral score: "%.17g", or inf, -inf, nan.</summary>
    private static int FormatG17(double value, Span<byte> into)
    {
        string formatted = double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : double.IsNaN(value) ? "nan"
            : value.ToString("G17", CultureInfo.InvariantCulture).Replace('E', 'e');
        return System.Text.Encoding.ASCII.GetBytes(formatted, into);
    }

    /// <summary>An intset: encoding width (2, 4 or 8 bytes, the smallest that holds every member), count, then the members ascending, all little-endian.</summary>
    public static void WriteIntset(RdbWriter writer, SetValue set)
    {
        var members = new List<long>();
        foreach (var member in set)
            members.Add(RedisNumber.TryParseInt64(member.Key, out long value) ? value : throw new InvalidOperationException("an intset member is not an integer"));
        members.Sort();
        int width = members.All(m => m is >= short.MinValue and <= short.MaxValue) ? 2
            : members.All(m => m is >= int.MinValue and <= int.MaxValue) ? 4 : 8;
        var blob = new byte[8 + width * members.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), (uint)members.Count);
        for (int i = 0; i < members.Count; i++)
        {
            var slot = blob.AsSpan(8 + i * width);
            if (width == 2) BinaryPrimitives.WriteInt16LittleEndian(slot, (short)members[i]);
            else if (width == 4) BinaryPrimitives.WriteInt32LittleEndian(slot, (int)members[i]);
            else BinaryPrimitives.WriteInt64LittleEndian(slot, members[i]);
        }
        writer.WriteByte(RdbType.SetIntset);
        WriteBlob(writer, blob);
    }

    /// <summary>RDB_TYPE_LIST_QUICKLIST_2: the node count, then per node its container (packed) and its listpack.</summary>
    public static void WriteList(RdbWriter writer, ListValue list)
    {
        var nodes = new List<byte[]>();
        var listpack = Listpack();
        int fill = EncodingLimits.ListNodeFill;
        foreach (var item in list.Range(0, list.Count - 1))
        {
            // quicklistPushTail: the tail node takes the element while its estimate stays in bounds.
            if (listpack.Count > 0 && !NodeAllowsInsert(listpack.Length + 1, listpack.Count, item.Length, fill))
            {
                nodes.Add(listpack.Finish().ToArray());
                listpack.Reset();
            }
            AddElement(listpack, item);
        }
        nodes.Add(listpack.Finish().ToArray());
        writer.WriteByte(RdbType.ListQuicklist2);
        writer.WriteLength((ulong)nodes.Count);
        foreach (var node in nodes)
        {
            writer.WriteLength(RdbType.QuicklistPacked);
            WriteBlob(writer, node);
        }
    }

    /// <summary>quicklist.c's _quicklistNodeAllowInsert for a packed node of <paramref name="nodeBytes"/> holding <paramref name="nodeCount"/> elements.</summary>
    private static bool NodeAllowsInsert(int nodeBytes, int nodeCount, int elementBytes, int fill)
    {
        long estimate = (long)nodeBytes + elementBytes + SizeEstimateOverhead;
        if (fill < 0)
        {
            int level = -fill - 1;
            if (level < OptimizationLevels.Length && estimate <= OptimizationLevels[level])
                return true;
        }
        return estimate <= SizeSafetyLimit && nodeCount < fill;
    }

    /// <summary>lpAppend: a canonical integer string is stored as an integer, anything else as a string.</summary>
    private static void AddElement(ListpackWriter listpack, ReadOnlySpan<byte> value)
    {
        if (value.Length <= 20 && RedisNumber.TryParseInt64(value, out long number))
            listpack.AddInteger(number);
        else
            listpack.AddString(value);
    }

    private static void WriteBlob(RdbWriter writer, ReadOnlySpan<byte> blob) => writer.WriteString(blob);
}
