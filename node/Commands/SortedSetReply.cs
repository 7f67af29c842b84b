using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// Replies and destinations shared by the sorted-set commands. WITHSCORES replies are flat
/// member, score pairs in RESP2 and an array of [member, score] arrays in RESP3, as in Redis 7.
/// </summary>
public static class SortedSetReply
{
    public static void WriteEntries(CommandContext c, List<byte[]> entries, bool withScores)
    {
        c.Output.WriteArrayHeader(withScores && !c.Output.IsResp3 ? entries.Count * 2 : entries.Count);
        foreach (var blob in entries)
            WriteEntry(c, blob, withScores, nested: withScores && c.Output.IsResp3);
    }

    public static void WriteEntry(CommandContext c, byte[] blob, bool withScore, bool nested) => WriteEntry(c.Output, blob, withScore, nested);

    public static void WriteEntry(Istore.Net.Resp.RespWriter output, byte[] blob, bool withScore, bool nested)
    {
        if (nested)
            output.WriteArrayHeader(2);
        output.WriteBulkString(ScoredMember.MemberOf(blob));
        if (withScore)
            output.WriteDouble(ScoredMember.ScoreOf(blob));
    }

    /// <summary>
    /// Stores <paramref name="result"/> at the key at argument <paramref name="destIndex"/>, replacing
    /// any value (an empty result deletes it, as Redis does), logs the command when that changed
    /// anything and replies the result's size. The caller holds the write lock.
    /// </summary>
    public static void Store(CommandContext c, int destIndex, SortedSetObject result)
    {
        bool changed = true;
        if (result.Count > 0)
        {
            c.Keyspace.StoreObject(c.Arg(destIndex), result);
            c.NotifyAsCommand(PubSub.NotifyClass.ZSet, c.Arg(destIndex));   // zunionstore, zinterstore, zdiffstore, zrangestore
        }
        else if (changed = c.Keyspace.DeleteUnlogged(c.Arg(destIndex)))
        {
            c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(destIndex));
        }
        if (changed)
            c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(result.Count);
    }

    /// <summary>A new sorted set holding <paramref name="entries"/> (distinct members; blobs shared).</summary>
    public static SortedSetObject ToSortedSet(List<byte[]> entries)
    {
        var zset = new SortedSetObject(entries.Count);
        foreach (var blob in entries)
            zset.AddNew(blob);
        return zset;
    }
}
