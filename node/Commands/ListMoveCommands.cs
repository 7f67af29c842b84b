using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>LMOVE, RPOPLPUSH and LMPOP, and the argument parsing their blocking forms share.</summary>
public static class ListMoveCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("LMOVE", Move);
        t.Add("RPOPLPUSH", c => MoveBetween(c, fromHead: false, toHead: true));
        t.Add("LMPOP", MultiPop);
    }

    /// <summary>LMOVE source destination LEFT|RIGHT LEFT|RIGHT</summary>
    private static void Move(CommandContext c)
    {
        if (ListOps.TryParseEnd(c, 3, out bool fromHead) && ListOps.TryParseEnd(c, 4, out bool toHead))
            MoveBetween(c, fromHead, toHead);
    }

    /// <summary>Moves one element from argument 1 to argument 2 and replies it (null when the source is missing).</summary>
    private static void MoveBetween(CommandContext c, bool fromHead, bool toHead)
    {
        using var write = c.Keyspace.Lock();
        switch (ListOps.Move(c.Keyspace, c.Arg(1), c.Arg(2), fromHead, toHead, out var element))
        {
            case MoveOutcome.Moved:
                c.Keyspace.LogCommand(c.Args);
                c.Output.WriteBulkString(element);
                break;
            case MoveOutcome.SourceMissing:
                c.Output.WriteNull();
                break;
            default:
                c.Output.WriteError(Errors.WrongType);
                break;
        }
    }

    /// <summary>LMPOP numkeys key [key …] LEFT|RIGHT [COUNT count]: pops from the first non-empty list.</summary>
    private static void MultiPop(CommandContext c)
    {
        if (!MultiPopArguments.TryParse(c, 1, out var pop))
            return;
        using var write = c.Keyspace.Lock();
        for (int i = pop.FirstKey; i <= pop.LastKey; i++)
        {
            if (!c.TryRead(i, out Objects.ListValue? list))
                return;
            if (list is null)
                continue;
            var popped = ListOps.Pop(list, pop.FromHead, pop.Count);
            c.Notify(PubSub.NotifyClass.List, pop.FromHead ? "lpop"u8 : "rpop"u8, c.Arg(i));
            c.Keyspace.ObjectChanged(c.Arg(i), list);
            c.Keyspace.LogCommand(c.Args);
            WriteMultiPopReply(c.Output, c.Arg(i), popped);
            return;
        }
        c.Output.WriteNullArray();
    }

    /// <summary>LMPOP's and BLMPOP's reply: the key and the popped elements.</summary>
    public static void WriteMultiPopReply(Istore.Net.Resp.RespWriter output, ReadOnlySpan<byte> key, byte[][] popped)
    {
        output.WriteArrayHeader(2);
        output.WriteBulkString(key);
        output.WriteArrayHeader(popped.Length);
        foreach (var element in popped)
            output.WriteBulkString(element);
    }
}

/// <summary>The arguments of LMPOP and BLMPOP after the numkeys position: keys, the end to pop from, COUNT.</summary>
public readonly record struct MultiPopArguments(int FirstKey, int LastKey, bool FromHead, long Count)
{
    public static bool TryParse(CommandContext c, int numKeysIndex, out MultiPopArguments parsed)
    {
        parsed = default;
        if (!RedisNumber.TryParseInt64(c.Arg(numKeysIndex), out long numKeys) || numKeys <= 0)
        {
            c.Output.WriteError("ERR numkeys should be greater than 0");
            return false;
        }
        // Compared as a count of remaining arguments, so a huge numkeys cannot overflow the index.
        if (numKeys >= c.Count - numKeysIndex - 1)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return false;
        }
        int whereIndex = numKeysIndex + (int)numKeys + 1;
        if (!ListOps.TryParseEnd(c, whereIndex, out bool fromHead))
            return false;
        long count = 1;
        bool hasCount = false;
        for (int i = whereIndex + 1; i < c.Count; i++)
        {
            if (hasCount || !c.ArgIs(i, "COUNT"u8) || i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
            i++;
            if (!RedisNumber.TryParseInt64(c.Arg(i), out count) || count <= 0)
            {
                c.Output.WriteError("ERR count should be greater than 0");
                return false;
            }
            hasCount = true;
        }
        parsed = new MultiPopArguments(numKeysIndex + 1, whereIndex - 1, fromHead, count);
        return true;
    }
}
