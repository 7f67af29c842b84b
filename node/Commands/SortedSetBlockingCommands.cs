using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP on the blocking framework of the list commands. Each pop, served
/// at once or on another client's write, is logged as ZPOPMIN/ZPOPMAX key count, so replay never waits.
/// </summary>
public static class SortedSetBlockingCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("BZPOPMIN", c => Pop(c, max: false));
        t.Add("BZPOPMAX", c => Pop(c, max: true));
        t.Add("BZMPOP", MultiPop);
    }

    /// <summary>BZPOPMIN/BZPOPMAX key [key …] timeout: [key, member, score], or a null array on timeout.</summary>
    private static void Pop(CommandContext c, bool max)
    {
        if (!Blocking.TryParseTimeout(c, c.Count - 1, out long deadline))
            return;
        ServeAttempt attempt = (session, key) =>
        {
            if (PopLogged(session, key, max, 1) is not { } popped)
                return null;
            return output =>
            {
                output.WriteArrayHeader(3);
                output.WriteBulkString(key);
                SortedSetReply.WriteEntry(output, popped[0], withScore: true, nested: false);
            };
        };
        Blocking.ServeOrBlock<SortedSetValue>(c, Blocking.CopyArgs(c, 1, c.Count - 2), attempt, static o => o.WriteNullArray(), deadline);
    }

    /// <summary>BZMPOP timeout numkeys key [key …] MIN|MAX [COUNT count]: [key, [[member, score] …]], or a null array on timeout.</summary>
    private static void MultiPop(CommandContext c)
    {
        if (!SortedSetPopCommands.MultiPopArguments.TryParse(c, 2, out var pop) || !Blocking.TryParseTimeout(c, 1, out long deadline))
            return;
        ServeAttempt attempt = (session, key) =>
        {
            if (PopLogged(session, key, pop.Max, pop.Count) is not { } popped)
                return null;
            return output => SortedSetPopCommands.WriteMultiPopReply(output, key, popped);
        };
        Blocking.ServeOrBlock<SortedSetValue>(c, Blocking.CopyArgs(c, pop.FirstKey, pop.LastKey), attempt, static o => o.WriteNullArray(), deadline);
    }

    /// <summary>Pops up to <paramref name="count"/> entries from the sorted set at <paramref name="key"/>, logged; null when none is there.</summary>
    private static List<byte[]>? PopLogged(KeyspaceSession session, byte[] key, bool max, long count)
    {
        if (session.ReadObject(key, out var stored) == Engine.KeyType.None || stored is not SortedSetValue { Length: > 0 } zset)
            return null;
        var popped = zset.Pop(count, max);
        session.ObjectChanged(key, zset);
        using var log = session.BeginRecord(3);
        log.Arg(max ? "ZPOPMAX"u8 : "ZPOPMIN"u8);
        log.Arg(key);
        log.Arg(popped.Count);
        return popped;
    }
}
