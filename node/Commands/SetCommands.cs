using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>The set family (SADD … SSCAN) on a <see cref="SetValue"/> of either engine; random picks and set algebra live beside it.</summary>
public static class SetCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("SADD", Add);
        t.Add("SREM", static c => c.RemoveEach(static (SetValue set, ReadOnlySpan<byte> member) => set.Remove(member)));
        t.Add("SISMEMBER", IsMember);
        t.Add("SMISMEMBER", AreMembers);
        t.Add("SMEMBERS", Members);
        t.Add("SCARD", static c => c.WriteLength<SetValue>());
        t.Add("SMOVE", Move);
        t.Add("SSCAN", Scan);
        t.Add("SPOP", SetRandomCommands.Pop);
        t.Add("SRANDMEMBER", SetRandomCommands.RandomMember);
        SetAlgebraCommands.Register(t);
    }

    /// <summary>Writes the members of <paramref name="set"/> (none when null) as a set reply (an array in RESP2).</summary>
    public static void WriteMembers(CommandContext c, SetValue? set)
    {
        c.Output.WriteSetHeader((int)(set?.Length ?? 0));
        if (set is null)
            return;
        foreach (var entry in set)
            c.Output.WriteBulkString(entry.Key);
    }

    /// <summary>SADD key member [member …]: the number of members that were new.</summary>
    private static void Add(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryOpen<SetValue>(1, static () => new SetObject(), out var set))
            return;
        long added = set.AddAll(c.Args, 2);
        if (added > 0)
        {
            c.Notify(PubSub.NotifyClass.Set, "sadd"u8, c.Arg(1));
            c.Keyspace.ObjectChanged(c.Arg(1), set);
            c.Keyspace.LogCommand(c.Args);
        }
        c.Output.WriteInteger(added);
    }

    private static void IsMember(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out SetValue? set))
            c.Output.WriteInteger(set is not null && set.Contains(c.Arg(2)) ? 1 : 0);
    }

    private static void AreMembers(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SetValue? set))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
            c.Output.WriteInteger(set is not null && set.Contains(c.Arg(i)) ? 1 : 0);
    }

    private static void Members(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out SetValue? set))
            WriteMembers(c, set);
    }

    /// <summary>
    /// SMOVE source destination member. As in Redis: a missing source answers 0 before the
    /// destination's type is looked at; a destination of another type is an error even when the
    /// member is absent; moving within one set changes nothing.
    /// </summary>
    private static void Move(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out SetValue? source))
            return;
        if (source is null)
        {
            c.Output.WriteInteger(0);
            return;
        }
        if (!c.TryRead(2, out SetValue? _))
            return;
        var member = c.Arg(3);
        bool sameSet = c.Arg(1).SequenceEqual(c.Arg(2));
        if (sameSet || !source.Remove(member))
        {
            c.Output.WriteInteger(sameSet && source.Contains(member) ? 1 : 0);
            return;
        }
        c.Notify(PubSub.NotifyClass.Set, "srem"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), source);
        // Cannot answer WRONGTYPE now: the destination's type was checked above.
        c.TryOpen<SetValue>(2, static () => new SetObject(), out var destination);
        destination.Add(member);
        c.Notify(PubSub.NotifyClass.Set, "sadd"u8, c.Arg(2));
        c.Keyspace.ObjectChanged(c.Arg(2), destination);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(1);
    }

    /// <summary>SSCAN key cursor [MATCH pattern] [COUNT count]</summary>
    private static void Scan(CommandContext c)
    {
        if (!ScanArguments.TryParse(c, 2, allowType: false, out var scan))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SetValue? set))
            return;
        var found = new List<byte[]>();
        ulong next = set?.Scan(scan.Cursor, scan.Count, scan.Pattern, found) ?? 0;
        CollectionScan.WriteReply(c, next, found);
    }
}
