using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis's zunionInterDiffGenericCommand:
/// inputs may be sorted sets or sets (members scoring 1), WEIGHTS multiply scores, AGGREGATE
/// SUM|MIN|MAX combines them, and a NaN from inf - inf counts as 0.
/// </summary>
public static class SortedSetAggregateCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("ZUNION", c => Combine(c, SetOperation.Union, numKeysAt: 1));
        t.Add("ZINTER", c => Combine(c, SetOperation.Inter, numKeysAt: 1));
        t.Add("ZDIFF", c => Combine(c, SetOperation.Diff, numKeysAt: 1));
        t.Add("ZUNIONSTORE", c => Combine(c, SetOperation.Union, numKeysAt: 2));
        t.Add("ZINTERSTORE", c => Combine(c, SetOperation.Inter, numKeysAt: 2));
        t.Add("ZDIFFSTORE", c => Combine(c, SetOperation.Diff, numKeysAt: 2));
        t.Add("ZINTERCARD", c => Combine(c, SetOperation.InterCard, numKeysAt: 1));
    }

    private enum SetOperation
    {
        Union,
        Inter,
        Diff,
        InterCard,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    /// <summary>[dest] numkeys key [key …] [WEIGHTS w …] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] / [LIMIT n] for ZINTERCARD.</summary>
    private static void Combine(CommandContext c, SetOperation operation, int numKeysAt)
    {
        if (!c.TryInt64(numKeysAt, out long numKeys))
            return;
        if (numKeys < 1)
        {
            c.Output.WriteError($"ERR at least 1 input key is needed for '{c.Spec.Name.ToLowerInvariant()}' command");
            return;
        }
        if (numKeys > c.Count - numKeysAt - 1)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (numKeysAt == 2)
        {
            using var write = c.Keyspace.Lock();
            Combine(c, operation, numKeysAt, numKeys, store: true);
        }
        else
        {
            using var read = c.Keyspace.Read();   // ZUNION, ZINTER, ZDIFF, ZINTERCARD run beside other reads
            Combine(c, operation, numKeysAt, numKeys, store: false);
        }
    }

    /// <summary><see cref="Combine(CommandContext, SetOperation, int)"/> in the caller's scope: a write for the STORE forms, a shared read for the others.</summary>
    private static void Combine(CommandContext c, SetOperation operation, int numKeysAt, long numKeys, bool store)
    {
        // Inputs are looked up (WRONGTYPE) before the options are parsed, as in Redis.
        var sources = new Source[numKeys];
        for (int i = 0; i < sources.Length; i++)
        {
            if (c.Keyspace.ReadObject(c.Arg(numKeysAt + 1 + i), out var stored) != KeyType.None && stored is not (SortedSetValue or SetValue))
            {
                c.Output.WriteError(Errors.WrongType);
                return;
            }
            sources[i] = new Source(stored, 1);
        }
        if (!TryParseOptions(c, operation, store, numKeysAt + 1 + sources.Length, sources, out var aggregate, out bool withScores, out long limit))
            return;

        var result = new ScanTable<WeightedMember>();
        switch (operation)
        {
            case SetOperation.Union:
                foreach (var source in sources)
                {
                    var union = new UnionVisitor(result, source.Weight, aggregate);
                    source.Visit(ref union);
                }
                break;
            case SetOperation.Diff:
                var diff = new DiffVisitor(result, sources);
                sources[0].Visit(ref diff);
                break;
            default:
                // Walk the smallest input and probe the others.
                Array.Sort(sources, static (a, b) => a.Count.CompareTo(b.Count));
                var inter = new InterVisitor(result, sources, aggregate, operation == SetOperation.InterCard ? limit : 0);
                sources[0].Visit(ref inter);
                break;
        }
        if (operation == SetOperation.InterCard)
        {
            c.Output.WriteInteger(result.Count);
            return;
        }
        var zset = new SortedSetObject(result.Count);
        foreach (ref var entry in result)
            zset.AddNew(ScoredMember.Pack(entry.Member, entry.Score));
        if (store)
            SortedSetReply.Store(c, 1, zset);
        else
            SortedSetReply.WriteEntries(c, zset.EntriesAt(0, zset.Count, reverse: false), withScores);
    }

    private static bool TryParseOptions(CommandContext c, SetOperation operation, bool store, int at, Source[] sources,
        out Aggregate aggregate, out bool withScores, out long limit)
    {
        aggregate = Aggregate.Sum;
        withScores = false;
        limit = 0;
        bool weighted = operation is SetOperation.Union or SetOperation.Inter;
        for (int i = at; i < c.Count; i++)
        {
            int remaining = c.Count - i;
            if (weighted && remaining >= sources.Length + 1 && c.ArgIs(i, "WEIGHTS"u8))
            {
                for (int s = 0; s < sources.Length; s++)
                {
                    if (!RedisNumber.TryParseDouble(c.Arg(++i), out double weight))
                    {
                        c.Output.WriteError("ERR weight value is not a float");
                        return false;
                    }
                    sources[s] = sources[s] with { Weight = weight };
                }
            }
            else if (weighted && remaining >= 2 && c.ArgIs(i, "AGGREGATE"u8))
            {
                i++;
                if (c.ArgIs(i, "SUM"u8)) aggregate = Aggregate.Sum;
                else if (c.ArgIs(i, "MIN"u8)) aggregate = Aggregate.Min;
                else if (c.ArgIs(i, "MAX"u8)) aggregate = Aggregate.Max;
                else
                {
                    c.Output.WriteError(CommandErrors.Syntax);
                    return false;
                }
            }
            else if (!store && operation != SetOperation.InterCard && c.ArgIs(i, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (operation == SetOperation.InterCard && remaining >= 2 && c.ArgIs(i, "LIMIT"u8))
            {
                if (!RedisNumber.TryParseInt64(c.Arg(++i), out limit) || limit < 0)
                {
                    c.Output.WriteError("ERR LIMIT can't be negative");
                    return false;
                }
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        return true;
    }

    private static double Combine(double current, double value, Aggregate aggregate) => aggregate switch
    {
        // inf + -inf is NaN: Redis keeps 0 instead.
        Aggregate.Sum => current + value is var sum && double.IsNaN(sum) ? 0 : sum,
        Aggregate.Min => value < current ? value : current,
        _ => value > current ? value : current,
    };

    /// <summary>A weighted score, with Redis's convention that 0 × inf is 0 rather than NaN.</summary>
    private static double Weigh(double weight, double score) => weight * score is var weighted && double.IsNaN(weighted) ? 0 : weighted;

    private interface IMemberVisitor
    {
        /// <summary>Sees one member of an input; false stops the walk.</summary>
        bool Visit(ReadOnlySpan<byte> member, double score);
    }

    /// <summary>One input: a sorted set, a set (every member scores 1) or a missing key (empty).</summary>
    private readonly record struct Source(StoredObject? Value, double Weight)
    {
        public long Count => Value?.Length ?? 0;

        public bool TryScore(ReadOnlySpan<byte> member, out double score)
        {
            score = 1;
            return Value switch
            {
                SortedSetValue zset => zset.TryGetScore(member, out score),
                SetValue set => set.Contains(member),
                _ => false,
            };
        }

        public void Visit<TVisitor>(ref TVisitor visitor) where TVisitor : struct, IMemberVisitor
        {
            if (Value is SortedSetValue zset)
            {
                foreach (var entry in zset)
                    if (!visitor.Visit(entry.Member, entry.Score))
                        return;
            }
            else if (Value is SetValue set)
            {
                foreach (var entry in set)
                    if (!visitor.Visit(entry.Key, 1))
                        return;
            }
        }
    }

    private struct WeightedMember(byte[] member, double score) : IScanEntry
    {
        public readonly byte[] Member = member;
        public double Score = score;

        public readonly ReadOnlySpan<byte> Key => Member;
    }

    private readonly struct UnionVisitor(ScanTable<WeightedMember> result, double weight, Aggregate aggregate) : IMemberVisitor
    {
        public bool Visit(ReadOnlySpan<byte> member, double score)
        {
            double weighted = Weigh(weight, score);
            ref var entry = ref result.FindOrAdd(member, out bool added);
            if (added) entry = new WeightedMember(member.ToArray(), weighted);
            else entry.Score = Combine(entry.Score, weighted, aggregate);
            return true;
        }
    }

    /// <summary>Keeps the members of the first (smallest) input found in all the others; stops at a non-zero limit.</summary>
    private readonly struct InterVisitor(ScanTable<WeightedMember> result, Source[] sources, Aggregate aggregate, long limit) : IMemberVisitor
    {
        public bool Visit(ReadOnlySpan<byte> member, double score)
        {
            double combined = Weigh(sources[0].Weight, score);
            for (int i = 1; i < sources.Length; i++)
            {
                if (!sources[i].TryScore(member, out double other))
                    return true;
                combined = Combine(combined, sources[i].Weight * other, aggregate);
            }
            result.AddNew(new WeightedMember(member.ToArray(), combined));
            return limit == 0 || result.Count < limit;
        }
    }

    /// <summary>Keeps the members of the first input that no other input has, with their own scores.</summary>
    private readonly struct DiffVisitor(ScanTable<WeightedMember> result, Source[] sources) : IMemberVisitor
    {
        public bool Visit(ReadOnlySpan<byte> member, double score)
        {
            for (int i = 1; i < sources.Length; i++)
                if (sources[i].TryScore(member, out _))
                    return true;
            result.AddNew(new WeightedMember(member.ToArray(), score));
            return true;
        }
    }
}
