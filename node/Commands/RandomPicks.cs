using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// Random elements for HRANDFIELD, SRANDMEMBER, SPOP and ZRANDMEMBER, the way Redis picks them:
/// distinct ones for a positive count, repeats allowed for a negative one.
/// </summary>
public static class RandomPicks
{
    /// <summary>
    /// The largest |count| a negative count may ask for: Redis would build the reply whatever its
    /// size; we refuse one that could not fit in memory rather than crash.
    /// </summary>
    public const long MaxRepeatedPicks = 10_000_000;

    public static List<TEntry> Distinct<TEntry>(ScanTable<TEntry> table, int count) where TEntry : struct, IScanEntry
    {
        var result = new List<TEntry>(Math.Min(count, table.Count));
        if (count >= table.Count || count * 3L > table.Count)
        {
            foreach (ref var entry in table)
                result.Add(entry);
            if (count >= table.Count)
                return result;
            // Most of the table is wanted: shuffle the front of a copy rather than draw and retry.
            for (int i = 0; i < count; i++)
            {
                int j = Random.Shared.Next(i, result.Count);
                (result[i], result[j]) = (result[j], result[i]);
            }
            result.RemoveRange(count, result.Count - count);
            return result;
        }
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        while (result.Count < count)
        {
            var entry = table.Random(Random.Shared);
            if (seen.Add(entry.Key.ToArray()))
                result.Add(entry);
        }
        return result;
    }

    public static List<TEntry> WithRepeats<TEntry>(ScanTable<TEntry> table, int count) where TEntry : struct, IScanEntry
    {
        var result = new List<TEntry>(count);
        for (int i = 0; i < count; i++)
            result.Add(table.Random(Random.Shared));
        return result;
    }

    /// <summary>
    /// Reads the count of a XRANDxxx command: Redis's range check, plus the repeat cap. Replies the
    /// error and returns false when it is out of range.
    /// </summary>
    public static bool TryReadCount(CommandContext c, int index, out long count)
    {
        if (!c.TryInt64(index, out count))
            return false;
        if (count < -MaxRepeatedPicks || count > long.MaxValue / 2)
        {
            c.Output.WriteError("ERR value is out of range");
            return false;
        }
        return true;
    }
}
