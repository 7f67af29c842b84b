using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// SINTER SUNION SDIFF, their STORE forms and SINTERCARD. As in Redis 7, every source key is
/// type-checked before anything is computed (a missing key is an empty set, a key of another type
/// is WRONGTYPE even when an earlier key already made the intersection empty).
/// </summary>
public static class SetAlgebraCommands
{
    private enum Operation { Intersection, Union, Difference }

    public static void Register(HandlerTable t)
    {
        t.Add("SINTER", c => Reply(c, Operation.Intersection));
        t.Add("SUNION", c => Reply(c, Operation.Union));
        t.Add("SDIFF", c => Reply(c, Operation.Difference));
        t.Add("SINTERSTORE", c => Store(c, Operation.Intersection));
        t.Add("SUNIONSTORE", c => Store(c, Operation.Union));
        t.Add("SDIFFSTORE", c => Store(c, Operation.Difference));
        t.Add("SINTERCARD", IntersectionCardinality);
    }

    private static void Reply(CommandContext c, Operation operation)
    {
        using var read = c.Keyspace.Read();
        if (TryReadSets(c, 1, c.Count - 1, out var sets))
            SetCommands.WriteMembers(c, Compute(operation, sets));
    }

    /// <summary>
    /// XSTORE destination key [key …]: the result replaces whatever the destination held (any type,
    /// its TTL too); an empty result deletes it. Deterministic, so logged as received.
    /// </summary>
    private static void Store(CommandContext c, Operation operation)
    {
        using var write = c.Keyspace.Lock();
        if (!TryReadSets(c, 2, c.Count - 2, out var sets))
            return;
        var result = Compute(operation, sets);
        bool changed;
        if (result.Length > 0)
        {
            c.Keyspace.StoreObject(c.Arg(1), result);
            c.NotifyAsCommand(PubSub.NotifyClass.Set, c.Arg(1));   // sinterstore, sunionstore, sdiffstore
            changed = true;
        }
        else
        {
            changed = c.Keyspace.DeleteUnlogged(c.Arg(1));
            if (changed)
                c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(1));
        }
        if (changed)
            c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(result.Length);
    }

    /// <summary>SINTERCARD numkeys key [key …] [LIMIT limit]: the size of the intersection, counting stops at a non-zero limit.</summary>
    private static void IntersectionCardinality(CommandContext c)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(1), out long keyCount) || keyCount < 1)
        {
            c.Output.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        if (keyCount > c.Count - 2)
        {
            c.Output.WriteError("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int i = 2 + (int)keyCount; i < c.Count; i++)
        {
            if (!c.ArgIs(i, "LIMIT"u8) || i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
            if (!RedisNumber.TryParseInt64(c.Arg(++i), out limit) || limit < 0)
            {
                c.Output.WriteError("ERR LIMIT can't be negative");
                return;
            }
        }
        using var read = c.Keyspace.Read();
        if (TryReadSets(c, 2, (int)keyCount, out var sets))
            c.Output.WriteInteger(Intersect(sets, limit, into: null));
    }

    /// <summary>The sets at <paramref name="count"/> arguments from <paramref name="first"/> (null for a missing key); false after WRONGTYPE.</summary>
    private static bool TryReadSets(CommandContext c, int first, int count, out SetValue?[] sets)
    {
        sets = new SetValue?[count];
        for (int i = 0; i < count; i++)
            if (!c.TryRead(first + i, out sets[i]))
                return false;
        return true;
    }

    /// <summary>A new set (members shared with the sources, never changed in place).</summary>
    private static SetObject Compute(Operation operation, SetValue?[] sets)
    {
        switch (operation)
        {
            case Operation.Intersection:
                var intersection = new SetObject();
                Intersect(sets, limit: 0, intersection);
                return intersection;
            case Operation.Union:
                var union = new SetObject(sets.Max(s => (int?)s?.Length) ?? 0);
                foreach (var set in sets)
                    if (set is not null)
                        foreach (var entry in set)
                            union.Add(entry.Member);
                return union;
            default:
                return Difference(sets);
        }
    }

    /// <summary>
    /// Counts the members common to all <paramref name="sets"/> (stopping at a non-zero
    /// <paramref name="limit"/>), adding them to <paramref name="into"/> when given. Walks the
    /// smallest set and probes the others, smallest first, as Redis does.
    /// </summary>
    private static long Intersect(SetValue?[] sets, long limit, SetObject? into)
    {
        if (sets.Any(s => s is null))
            return 0;
        var bySize = sets.Select(s => s!).OrderBy(s => s.Length).ToArray();
        long found = 0;
        foreach (var entry in bySize[0])
        {
            if (!InAll(bySize.AsSpan(1), entry.Key))
                continue;
            into?.Add(entry.Member);
            if (++found == limit)
                break;
        }
        return found;
    }

    /// <summary>The members of the first set that no later set holds.</summary>
    private static SetObject Difference(SetValue?[] sets)
    {
        var result = new SetObject();
        if (sets[0] is not { } first)
            return result;
        foreach (var entry in first)
            if (!InAny(sets.AsSpan(1), entry.Key))
                result.Add(entry.Member);
        return result;
    }

    private static bool InAll(ReadOnlySpan<SetValue> sets, ReadOnlySpan<byte> member)
    {
        foreach (var set in sets)
            if (!set.Contains(member))
                return false;
        return true;
    }

    private static bool InAny(ReadOnlySpan<SetValue?> sets, ReadOnlySpan<byte> member)
    {
        foreach (var set in sets)
            if (set is not null && set.Contains(member))
                return true;
        return false;
    }
}
