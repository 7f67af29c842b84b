using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>The list family (LPUSH … LPOS) on a <see cref="ListValue"/> of either engine; moves and multi-key pops are in ListMoveCommands, the blocking forms in ListBlockingCommands.</summary>
public static class ListCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("LPUSH", c => Push(c, head: true, onlyIfExists: false));
        t.Add("RPUSH", c => Push(c, head: false, onlyIfExists: false));
        t.Add("LPUSHX", c => Push(c, head: true, onlyIfExists: true));
        t.Add("RPUSHX", c => Push(c, head: false, onlyIfExists: true));
        t.Add("LPOP", c => Pop(c, head: true));
        t.Add("RPOP", c => Pop(c, head: false));
        t.Add("LLEN", static c => c.WriteLength<ListValue>());
        t.Add("LINDEX", Index);
        t.Add("LSET", Set);
        t.Add("LINSERT", Insert);
        t.Add("LRANGE", Range);
        t.Add("LREM", Remove);
        t.Add("LTRIM", Trim);
        t.Add("LPOS", ListPosition.Execute);
        ListMoveCommands.Register(t);
        ListBlockingCommands.Register(t);
    }

    /// <summary>LPUSH/RPUSH key element [element …] (created when missing) and LPUSHX/RPUSHX (only onto an existing list): the new length.</summary>
    private static void Push(CommandContext c, bool head, bool onlyIfExists)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null)
        {
            if (onlyIfExists)
            {
                c.Output.WriteInteger(0);
                return;
            }
            list = (ListValue)c.Keyspace.StoreObject(c.Arg(1), new ListObject());
        }
        for (int i = 2; i < c.Count; i++)
        {
            if (head) list.PushHead(c.Arg(i).ToArray());
            else list.PushTail(c.Arg(i).ToArray());
        }
        c.Notify(PubSub.NotifyClass.List, head ? "lpush"u8 : "rpush"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), list);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(list.Count);
    }

    /// <summary>LPOP/RPOP key [count]: one element (bulk), or with a count an array; a missing key is a null (array).</summary>
    private static void Pop(CommandContext c, bool head)
    {
        if (c.Count > 3)
        {
            c.WrongArity();
            return;
        }
        bool hasCount = c.Count == 3;
        long count = 1;
        if (hasCount && (!RedisNumber.TryParseInt64(c.Arg(2), out count) || count < 0))
        {
            c.Output.WriteError("ERR value is out of range, must be positive");
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null)
        {
            if (hasCount) c.Output.WriteNullArray();
            else c.Output.WriteNull();
            return;
        }
        var popped = ListOps.Pop(list, head, count);
        if (popped.Length > 0)
        {
            c.Notify(PubSub.NotifyClass.List, head ? "lpop"u8 : "rpop"u8, c.Arg(1));
            c.Keyspace.ObjectChanged(c.Arg(1), list);
            c.Keyspace.LogCommand(c.Args);
        }
        if (hasCount)
            WriteElements(c, popped);
        else
            c.Output.WriteBulkString(popped[0]);
    }

    public static void WriteElements(CommandContext c, IReadOnlyList<byte[]> elements)
    {
        c.Output.WriteArrayHeader(elements.Count);
        foreach (var element in elements)
            c.Output.WriteBulkString(element);
    }

    /// <summary>LINDEX key index (negative counts from the tail): null when out of range.</summary>
    private static void Index(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null)
        {
            c.Output.WriteNull();
            return;
        }
        if (!c.TryInt64(2, out long index))
            return;
        if (TryResolveIndex(list, index, out int at))
            c.Output.WriteBulkString(list[at]);
        else
            c.Output.WriteNull();
    }

    /// <summary>LSET key index element: the key must exist and the index be inside the list.</summary>
    private static void Set(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null)
        {
            c.Output.WriteError(Errors.NoSuchKey);
            return;
        }
        if (!c.TryInt64(2, out long index))
            return;
        if (!TryResolveIndex(list, index, out int at))
        {
            c.Output.WriteError("ERR index out of range");
            return;
        }
        list[at] = c.Arg(3).ToArray();
        c.Notify(PubSub.NotifyClass.List, "lset"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), list);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteOk();
    }

    /// <summary>LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key.</summary>
    private static void Insert(CommandContext c)
    {
        bool after = c.ArgIs(2, "AFTER"u8);
        if (!after && !c.ArgIs(2, "BEFORE"u8))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null)
        {
            c.Output.WriteInteger(0);
            return;
        }
        int pivot = 0;
        while (pivot < list.Count && !c.Arg(3).SequenceEqual(list[pivot]))
            pivot++;
        if (pivot == list.Count)
        {
            c.Output.WriteInteger(-1);
            return;
        }
        list.Insert(after ? pivot + 1 : pivot, c.Arg(4).ToArray());
        c.Notify(PubSub.NotifyClass.List, "linsert"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), list);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(list.Count);
    }

    /// <summary>LRANGE key start stop, both inclusive, negative from the tail.</summary>
    private static void Range(CommandContext c)
    {
        if (!c.TryInt64(2, out long start) || !c.TryInt64(3, out long stop))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is null || !TryClampRange(list.Count, start, stop, out int first, out int last))
        {
            c.WriteEmptyArray();
            return;
        }
        c.Output.WriteArrayHeader(last - first + 1);
        foreach (var item in list.Range(first, last))
            c.Output.WriteBulkString(item);
    }

    /// <summary>LREM key count element: count &gt; 0 removes the first ones, &lt; 0 the last ones, 0 all.</summary>
    private static void Remove(CommandContext c)
    {
        if (!c.TryInt64(2, out long count))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        int removed = 0;
        if (list is not null)
        {
            // |long.MinValue| does not fit a long; no list is that long anyway.
            long limit = count == long.MinValue ? long.MaxValue : Math.Abs(count);
            removed = list.RemoveEqual(c.Arg(3), limit, fromTail: count < 0);
            if (removed > 0)
            {
                c.Notify(PubSub.NotifyClass.List, "lrem"u8, c.Arg(1));
                c.Keyspace.ObjectChanged(c.Arg(1), list);
                c.Keyspace.LogCommand(c.Args);
            }
        }
        c.Output.WriteInteger(removed);
    }

    /// <summary>LTRIM key start stop: keeps that range; an empty range removes the key. Keeping the whole list still notifies "ltrim", as Redis.</summary>
    private static void Trim(CommandContext c)
    {
        if (!c.TryInt64(2, out long start) || !c.TryInt64(3, out long stop))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out ListValue? list))
            return;
        if (list is not null)
        {
            if (!TryClampRange(list.Count, start, stop, out int first, out int last))
                list.Trim(0, -1);
            else if (first > 0 || last < list.Count - 1)
                list.Trim(first, last);
            else
            {
                c.Notify(PubSub.NotifyClass.List, "ltrim"u8, c.Arg(1));   // the whole list stays: nothing to store or log
                c.Keyspace.SignalModified(c.Arg(1));
                list = null;
            }
        }
        if (list is not null)
        {
            c.Notify(PubSub.NotifyClass.List, "ltrim"u8, c.Arg(1));
            c.Keyspace.ObjectChanged(c.Arg(1), list);
            c.Keyspace.LogCommand(c.Args);
        }
        c.Output.WriteOk();
    }

    /// <summary>Redis's range rule: negative from the tail, start clamped to 0, stop to the last element; false when empty.</summary>
    private static bool TryClampRange(int count, long start, long stop, out int first, out int last)
    {
        if (start < 0) start += count;
        if (stop < 0) stop += count;
        if (start < 0) start = 0;
        first = (int)Math.Min(start, int.MaxValue);
        last = (int)Math.Min(stop, count - 1);
        return start <= stop && start < count;
    }

    private static bool TryResolveIndex(ListValue list, long index, out int at)
    {
        if (index < 0)
            index += list.Count;
        at = (int)index;
        return index >= 0 && index < list.Count;
    }
}
