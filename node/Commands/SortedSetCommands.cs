using Istore.Net.Resp;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// The sorted-set family on a <see cref="SortedSetValue"/> of either engine: member commands here; ranges in
/// <see cref="SortedSetRangeCommands"/>, unions and friends in <see cref="SortedSetAggregateCommands"/>,
/// pops and random members in <see cref="SortedSetPopCommands"/>.
/// </summary>
public static class SortedSetCommands
{
    public const string NaNScore = "ERR resulting score is not a number (NaN)";

    public static void Register(HandlerTable t)
    {
        t.Add("ZADD", Add);
        t.Add("ZINCRBY", IncrBy);
        t.Add("ZREM", static c => c.RemoveEach(static (SortedSetValue zset, ReadOnlySpan<byte> member) => zset.Remove(member)));
        t.Add("ZCARD", static c => c.WriteLength<SortedSetValue>());
        t.Add("ZSCORE", Score);
        t.Add("ZMSCORE", MultiScore);
        t.Add("ZRANK", c => Rank(c, reverse: false));
        t.Add("ZREVRANK", c => Rank(c, reverse: true));
        t.Add("ZSCAN", Scan);
        SortedSetRangeCommands.Register(t);
        SortedSetAggregateCommands.Register(t);
        SortedSetBlockingCommands.Register(t);
        SortedSetPopCommands.Register(t);
    }

    [Flags]
    private enum AddOptions
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
        Incr = 16,
        Changed = 32,
    }

    /// <summary>ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member …]</summary>
    internal static void Add(CommandContext c)
    {
        int scoreAt = 2;
        var options = AddOptions.None;
        for (; scoreAt < c.Count; scoreAt++)
        {
            var option = ParseAddOption(c, scoreAt);
            if (option == AddOptions.None)
                break;
            options |= option;
        }
        Update(c, scoreAt, options);
    }

    /// <summary>ZINCRBY key increment member: ZADD INCR.</summary>
    private static void IncrBy(CommandContext c) => Update(c, 2, AddOptions.Incr);

    private static AddOptions ParseAddOption(CommandContext c, int index) =>
        c.ArgIs(index, "NX"u8) ? AddOptions.Nx
        : c.ArgIs(index, "XX"u8) ? AddOptions.Xx
        : c.ArgIs(index, "GT"u8) ? AddOptions.Gt
        : c.ArgIs(index, "LT"u8) ? AddOptions.Lt
        : c.ArgIs(index, "INCR"u8) ? AddOptions.Incr
        : c.ArgIs(index, "CH"u8) ? AddOptions.Changed
        : AddOptions.None;

    private static bool Has(AddOptions options, AddOptions flag) => (options & flag) != 0;

    /// <summary>Redis's zaddGenericCommand: options are checked and every score parsed before anything changes.</summary>
    private static void Update(CommandContext c, int scoreAt, AddOptions options)
    {
        int pairs = c.Count - scoreAt;
        if (pairs == 0 || pairs % 2 != 0)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        pairs /= 2;
        bool nx = Has(options, AddOptions.Nx), xx = Has(options, AddOptions.Xx), incr = Has(options, AddOptions.Incr);
        bool gt = Has(options, AddOptions.Gt), lt = Has(options, AddOptions.Lt);
        if (nx && xx)
        {
            c.Output.WriteError("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            c.Output.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && pairs > 1)
        {
            c.Output.WriteError("ERR INCR option supports a single increment-element pair");
            return;
        }
        Span<double> scores = pairs <= 64 ? stackalloc double[pairs] : new double[pairs];
        for (int i = 0; i < pairs; i++)
            if (!c.TryDouble(scoreAt + 2 * i, out scores[i]))
                return;

        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out SortedSetValue? existing))
            return;
        if (existing is null && xx)
        {
            WriteAddReply(c, incr, processed: false, 0, 0);
            return;
        }
        // The engine may hold a new set in a form of its own (a disk engine's view): change what it stored.
        var zset = existing ?? (SortedSetValue)c.Keyspace.StoreObject(c.Arg(1), new SortedSetObject());
        long added = 0, updated = 0;
        bool processed = false;
        double result = 0;
        if (!(nx || xx || gt || lt || incr))
            added = zset.SetAll(c.Args, scoreAt, scores, out updated);
        else
        {
            for (int i = 0; i < pairs; i++)
            {
                var member = c.Arg(scoreAt + 2 * i + 1);
                double score = scores[i];
                if (!zset.TryGetScore(member, out double current))
                {
                    if (xx)
                        continue;
                    zset.Set(member, score);
                    added++;
                }
                else
                {
                    if (nx)
                        continue;
                    if (incr)
                    {
                        score += current;
                        if (double.IsNaN(score))
                        {
                            c.Keyspace.ObjectChanged(c.Arg(1), zset);
                            c.Output.WriteError(NaNScore);
                            return;
                        }
                    }
                    if ((lt && score >= current) || (gt && score <= current))
                        continue;
                    if (score != current)
                    {
                        zset.Set(member, score);
                        updated++;
                    }
                }
                processed = true;
                result = score;
            }
        }
        if (added + updated > 0)
            c.Notify(PubSub.NotifyClass.ZSet, incr ? "zincr"u8 : "zadd"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), zset);
        if (added + updated > 0)
            c.Keyspace.LogCommand(c.Args);
        WriteAddReply(c, incr, processed, result, Has(options, AddOptions.Changed) ? added + updated : added);
    }

    private static void WriteAddReply(CommandContext c, bool incr, bool processed, double score, long count)
    {
        if (!incr) c.Output.WriteInteger(count);
        else if (processed) c.Output.WriteDouble(score);
        else c.Output.WriteNull();
    }

    private static void Score(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out SortedSetValue? zset))
            WriteScoreOrNull(c, zset, c.Arg(2));
    }

    private static void MultiScore(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
            WriteScoreOrNull(c, zset, c.Arg(i));
    }

    private static void WriteScoreOrNull(CommandContext c, SortedSetValue? zset, ReadOnlySpan<byte> member)
    {
        if (zset is not null && zset.TryGetScore(member, out double score))
            c.Output.WriteDouble(score);
        else
            c.Output.WriteNull();
    }

    /// <summary>ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE as in Redis 7.2).</summary>
    private static void Rank(CommandContext c, bool reverse)
    {
        if (c.Count > 4)
        {
            c.WrongArity();
            return;
        }
        bool withScore = c.Count == 4;
        if (withScore && !c.ArgIs(3, "WITHSCORE"u8))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        long rank = zset?.RankOf(c.Arg(2)) ?? -1;
        if (rank < 0)
        {
            if (withScore) c.Output.WriteNullArray();
            else c.Output.WriteNull();
            return;
        }
        if (withScore)
            c.Output.WriteArrayHeader(2);
        c.Output.WriteInteger(reverse ? zset!.Length - 1 - rank : rank);
        if (withScore && zset!.TryGetScore(c.Arg(2), out double score))
            c.Output.WriteDouble(score);
    }

    /// <summary>ZSCAN key cursor [MATCH pattern] [COUNT count]: members and their scores as strings.</summary>
    private static void Scan(CommandContext c) =>
        CollectionScan.Execute<SortedSetValue>(c, static (zset, scan, found) => zset.Scan(scan.Cursor, scan.Count, scan.Pattern, found));
}
