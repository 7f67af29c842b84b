using Istore.Net.Resp;

namespace Istore.Node.Objects;

/// <summary>A ZADD's (score, member) pairs from <c>scoreAt</c> on, the scores already parsed, for <see cref="PackedScores.SetAll"/>.</summary>
internal readonly ref struct ArgumentScores(CommandArgs args, int scoreAt, ReadOnlySpan<double> scores) : PackedScores.IScoredSource
{
    private readonly ReadOnlySpan<double> _scores = scores;

    public int Count => _scores.Length;

    public ReadOnlySpan<byte> Member(int index) => args[scoreAt + 2 * index + 1];

    public double Score(int index) => _scores[index];
}
