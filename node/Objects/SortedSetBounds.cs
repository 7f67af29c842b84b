namespace Istore.Node.Objects;

/// <summary>A range end that can be tested against a (member, score) pair without packing it (a packed sorted set's entries).</summary>
public interface IScoredBound : IOrderBound<byte[]>
{
    bool IsBelow(ReadOnlySpan<byte> member, double score);
}

/// <summary>
/// One end of a score range as an <see cref="IOrderBound{T}"/>: below it are the scores less than
/// <see cref="Value"/>, and equal ones too when <see cref="IncludesEqual"/>. A range's start bound
/// includes equal scores when the range excludes its minimum; its end bound when it includes its
/// maximum — so the range is the ranks [CountBelow(start), CountBelow(end)).
/// </summary>
public readonly record struct ScoreBound(double Value, bool IncludesEqual) : IScoredBound
{
    public bool IsBelow(byte[] item) => IsBelow(default, ScoredMember.ScoreOf(item));

    public bool IsBelow(ReadOnlySpan<byte> member, double score) => score < Value || (IncludesEqual && score == Value);
}

/// <summary>
/// One end of a lexicographical range (members compared bytewise, as Redis's memcmp), with
/// Redis's "-" (below nothing) and "+" (above everything) as <see cref="Infinity"/> -1 and +1.
/// </summary>
public readonly record struct LexBound(byte[] Value, bool IncludesEqual, int Infinity = 0) : IScoredBound
{
    public bool IsBelow(byte[] item) => IsBelow(ScoredMember.MemberOf(item), 0);

    public bool IsBelow(ReadOnlySpan<byte> member, double score)
    {
        if (Infinity != 0)
            return Infinity > 0;
        int order = member.SequenceCompareTo(Value);
        return order < 0 || (IncludesEqual && order == 0);
    }
}
