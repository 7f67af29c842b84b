namespace Istore.Node.Objects;

/// <summary>
/// One end of a score range as an <see cref="IOrderBound{T}"/>: below it are the scores less than
/// <see cref="Value"/>, and equal ones too when <see cref="IncludesEqual"/>. A range's start bound
/// includes equal scores when the range excludes its minimum; its end bound when it includes its
/// maximum — so the range is the ranks [CountBelow(start), CountBelow(end)).
/// </summary>
public readonly record struct ScoreBound(double Value, bool IncludesEqual) : IOrderBound<byte[]>
{
    public bool IsBelow(byte[] item)
    {
        double score = ScoredMember.ScoreOf(item);
        return score < Value || (IncludesEqual && score == Value);
    }
}

/// <summary>
/// One end of a lexicographical range (members compared bytewise, as Redis's memcmp), with
/// Redis's "-" (below nothing) and "+" (above everything) as <see cref="Infinity"/> -1 and +1.
/// </summary>
public readonly record struct LexBound(byte[] Value, bool IncludesEqual, int Infinity = 0) : IOrderBound<byte[]>
{
    public bool IsBelow(byte[] item)
    {
        if (Infinity != 0)
            return Infinity > 0;
        int order = ScoredMember.MemberOf(item).SequenceCompareTo(Value);
        return order < 0 || (IncludesEqual && order == 0);
    }
}
