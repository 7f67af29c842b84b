using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP. Each is logged as its non-blocking effect
/// (LPOP/RPOP with the count taken, LMOVE), whether it was served at once or on another
/// client's push, so replay never waits.
/// </summary>
public static class ListBlockingCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("BLPOP", c => Pop(c, fromHead: true));
        t.Add("BRPOP", c => Pop(c, fromHead: false));
        t.Add("BLMOVE", Move);
        t.Add("BRPOPLPUSH", c => MoveBetween(c, fromHead: false, toHead: true, timeoutIndex: 3));
        t.Add("BLMPOP", MultiPop);
    }

    /// <summary>BLPOP/BRPOP key [key …] timeout: [key, element], or a null array on timeout.</summary>
    private static void Pop(CommandContext c, bool fromHead)
    {
        if (!Blocking.TryParseTimeout(c, c.Count - 1, out long deadline))
            return;
        ServeAttempt attempt = (session, key) =>
        {
            if (PopLogged(session, key, fromHead, 1) is not { } popped)
                return null;
            return output =>
            {
                output.WriteArrayHeader(2);
                output.WriteBulkString(key);
                output.WriteBulkString(popped[0]);
            };
        };
        Blocking.ServeOrBlock<ListValue>(c, Blocking.CopyArgs(c, 1, c.Count - 2), attempt, static o => o.WriteNullArray(), deadline);
    }

    /// <summary>BLMPOP timeout numkeys key [key …] LEFT|RIGHT [COUNT count]: [key, [elements]], or a null array on timeout.</summary>
    private static void MultiPop(CommandContext c)
    {
        if (!MultiPopArguments.TryParse(c, 2, out var pop) || !Blocking.TryParseTimeout(c, 1, out long deadline))
            return;
        ServeAttempt attempt = (session, key) =>
        {
            if (PopLogged(session, key, pop.FromHead, pop.Count) is not { } popped)
                return null;
            return output => ListMoveCommands.WriteMultiPopReply(output, key, popped);
        };
        Blocking.ServeOrBlock<ListValue>(c, Blocking.CopyArgs(c, pop.FirstKey, pop.LastKey), attempt, static o => o.WriteNullArray(), deadline);
    }

    /// <summary>BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout</summary>
    private static void Move(CommandContext c)
    {
        if (ListOps.TryParseEnd(c, 3, out bool fromHead) && ListOps.TryParseEnd(c, 4, out bool toHead))
            MoveBetween(c, fromHead, toHead, timeoutIndex: 5);
    }

    /// <summary>
    /// BLMOVE and BRPOPLPUSH: the element moved; on timeout a null array (Redis answers every
    /// timed-out list pop alike), but inside EXEC a null; a destination of another type fails the waiter.
    /// </summary>
    private static void MoveBetween(CommandContext c, bool fromHead, bool toHead, int timeoutIndex)
    {
        if (!Blocking.TryParseTimeout(c, timeoutIndex, out long deadline))
            return;
        var destination = c.Arg(2).ToArray();
        ServeAttempt attempt = (session, source) =>
        {
            switch (ListOps.Move(session, source, destination, fromHead, toHead, out var element))
            {
                case MoveOutcome.Moved:
                    using (var log = session.BeginRecord(5))
                    {
                        log.Arg("LMOVE"u8);
                        log.Arg(source);
                        log.Arg(destination);
                        log.Arg(fromHead ? "LEFT"u8 : "RIGHT"u8);
                        log.Arg(toHead ? "LEFT"u8 : "RIGHT"u8);
                    }
                    return output => output.WriteBulkString(element);
                case MoveOutcome.DestinationWrongType:
                    return static output => output.WriteError(Errors.WrongType);
                default:
                    return null;
            }
        };
        Blocking.ServeOrBlock<ListValue>(c, Blocking.CopyArgs(c, 1, 1), attempt, static o => o.WriteNullArray(), deadline, static o => o.WriteNull());
    }

    /// <summary>Pops from the list at <paramref name="key"/> and logs it as LPOP/RPOP key count: null when no list is there.</summary>
    private static byte[][]? PopLogged(KeyspaceSession session, byte[] key, bool fromHead, long count)
    {
        var popped = ListOps.PopFrom(session, key, fromHead, count);
        if (popped is null)
            return null;
        using var log = session.BeginRecord(3);
        log.Arg(fromHead ? "LPOP"u8 : "RPOP"u8);
        log.Arg(key);
        log.Arg(popped.Length);
        return popped;
    }
}
