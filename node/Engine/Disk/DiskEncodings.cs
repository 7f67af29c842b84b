using Istore.Net.Commands;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// The encoding Redis would give a disk collection's contents. The disk engine keeps one layout and
/// no history of a value's size, so it answers as Redis does for a value it loads (rdbLoad picks
/// the compact form by member count and lengths under the same limits): OBJECT ENCODING, and the
/// DUMP payload with it, match redis-server for every value that never outgrew those limits.
/// </summary>
internal static class DiskEncodings
{
    public static string Hash(HashValue hash)
    {
        if (hash.Length > EncodingLimits.HashEntries)
            return "hashtable";
        foreach (var pair in hash)
            if (pair.Field.Length > EncodingLimits.HashValue || pair.Value.Length > EncodingLimits.HashValue)
                return "hashtable";
        return "listpack";
    }

    /// <summary>An intset for integers within set-max-intset-entries, else a listpack (Redis 7.2's small sets, as the memory engine) or a hashtable.</summary>
    public static string Set(SetValue set)
    {
        long length = set.Length;
        if (length > EncodingLimits.IntsetEntries && length > EncodingLimits.SetEntries)
            return "hashtable";
        bool integers = length <= EncodingLimits.IntsetEntries, small = length <= EncodingLimits.SetEntries;
        foreach (var member in set)
        {
            integers = integers && RedisNumber.TryParseInt64(member.Key, out _);
            small = small && member.Key.Length <= EncodingLimits.SetValue;
            if (!integers && !small)
                return "hashtable";
        }
        return integers ? "intset" : "listpack";
    }

    /// <summary>How many elements a SCAN step reads: all of a compact one, which Redis answers whole with cursor 0.</summary>
    public static int ScanCount(int count, long length, bool compact) => compact ? (int)Math.Max(count, length) : count;

    public static string SortedSet(SortedSetValue sortedSet)
    {
        if (sortedSet.Length > EncodingLimits.SortedSetEntries)
            return "skiplist";
        foreach (var entry in sortedSet)
            if (entry.Member.Length > EncodingLimits.SortedSetValue)
                return "skiplist";
        return "listpack";
    }
}
