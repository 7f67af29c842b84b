using Istore.Node.Objects;

namespace Istore.Node.Commands;

public enum SortedSetRangeKind
{
    Rank,
    Score,
    Lex,
}

/// <summary>
/// A range of a sorted set as ZRANGE and its relatives give it: by rank (start/stop, negative from
/// the end), by score ("(" exclusive, ±inf) or by member (lex "[a" "(a" "-" "+"), optionally
/// reversed and cut by LIMIT offset count. The set answers it: in O(log n) from memory, by a walk from disk.
/// </summary>
public struct SortedSetRange
{
    public const string ScoreRangeError = "ERR min or max is not a float";
    public const string LexRangeError = "ERR min or max not valid string range item";

    public SortedSetRangeKind Kind;
    public bool Reverse;
    public long Offset;
    /// <summary>How many entries at most; negative = all (Redis's LIMIT offset -1).</summary>
    public long Limit;
    private long _startRank, _stopRank;
    private ScoreBound _scoreStart, _scoreEnd;
    private LexBound _lexStart, _lexEnd;

    public SortedSetRange(SortedSetRangeKind kind, bool reverse)
    {
        Kind = kind;
        Reverse = reverse;
        Limit = -1;
    }

    /// <summary>
    /// Parses the two range arguments (for a reversed score or lex range Redis takes them as max
    /// then min); replies Redis's error and returns false when one is bad.
    /// </summary>
    public bool TryParseBounds(CommandContext c, int firstIndex)
    {
        int minIndex = firstIndex, maxIndex = firstIndex + 1;
        if (Reverse && Kind != SortedSetRangeKind.Rank)
            (minIndex, maxIndex) = (maxIndex, minIndex);
        switch (Kind)
        {
            case SortedSetRangeKind.Rank:
                return c.TryInt64(minIndex, out _startRank) && c.TryInt64(maxIndex, out _stopRank);
            case SortedSetRangeKind.Score:
                if (TryParseScoreBound(c.Arg(minIndex), out double min, out bool minExclusive)
                    && TryParseScoreBound(c.Arg(maxIndex), out double max, out bool maxExclusive))
                {
                    _scoreStart = new ScoreBound(min, IncludesEqual: minExclusive);
                    _scoreEnd = new ScoreBound(max, IncludesEqual: !maxExclusive);
                    return true;
                }
                c.Output.WriteError(ScoreRangeError);
                return false;
            default:
                if (TryParseLexBound(c.Arg(minIndex), start: true, out _lexStart)
                    && TryParseLexBound(c.Arg(maxIndex), start: false, out _lexEnd))
                    return true;
                c.Output.WriteError(LexRangeError);
                return false;
        }
    }

    /// <summary>How many entries the range holds, before LIMIT.</summary>
    public readonly long Count(SortedSetValue zset) => Kind switch
    {
        SortedSetRangeKind.Score => zset.CountBetween(_scoreStart, _scoreEnd),
        SortedSetRangeKind.Lex => zset.CountBetween(_lexStart, _lexEnd),
        _ => Ranks(zset.Length).Count,
    };

    /// <summary>The entries of the range in reply order, after LIMIT (a negative offset selects nothing, as in Redis).</summary>
    public readonly List<byte[]> Select(SortedSetValue zset)
    {
        switch (Kind)
        {
            case SortedSetRangeKind.Score:
                return zset.EntriesBetween(_scoreStart, _scoreEnd, Offset, Limit, Reverse);
            case SortedSetRangeKind.Lex:
                return zset.EntriesBetween(_lexStart, _lexEnd, Offset, Limit, Reverse);
        }
        var (first, count) = Ranks(zset.Length);
        return zset.EntriesAt(first, count, Reverse);
    }

    /// <summary>A rank range's ascending ranks [first, first + count) in a set of <paramref name="length"/>.</summary>
    private readonly (long First, int Count) Ranks(long length)
    {
        long start = _startRank, stop = _stopRank;
        if (start < 0) start += length;
        if (stop < 0) stop += length;
        if (start < 0) start = 0;
        if (start > stop || start >= length)
            return (0, 0);
        if (stop >= length) stop = length - 1;
        int count = (int)(stop - start + 1);
        // A reversed rank range counts its indexes from the highest score down.
        return Reverse ? (length - 1 - stop, count) : (start, count);
    }

    /// <summary>Redis's zslParseRange item: strtod over the text after an optional "(", NaN refused.</summary>
    internal static bool TryParseScoreBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = !text.IsEmpty && text[0] == (byte)'(';
        if (exclusive)
            text = text[1..];
        // strtod converts nothing into 0 and skips leading blanks.
        value = 0;
        return text.IsEmpty || RedisNumber.TryParseDouble(text.TrimStart(" \t\n\r\v\f"u8), out value);
    }

    private static bool TryParseLexBound(ReadOnlySpan<byte> text, bool start, out LexBound bound)
    {
        bound = default;
        if (text.IsEmpty)
            return false;
        switch (text[0])
        {
            case (byte)'-' or (byte)'+' when text.Length == 1:
                bound = new LexBound([], false, Infinity: text[0] == (byte)'+' ? 1 : -1);
                return true;
            case (byte)'[':
                bound = new LexBound(text[1..].ToArray(), IncludesEqual: !start);
                return true;
            case (byte)'(':
                bound = new LexBound(text[1..].ToArray(), IncludesEqual: start);
                return true;
            default:
                return false;
        }
    }
}
