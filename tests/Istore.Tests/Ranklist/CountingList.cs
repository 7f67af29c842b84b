using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>A recall input that counts the window entries read from it, to show what a recall skipped.</summary>
internal sealed class CountingList(IRecallList inner) : IRecallList
{
    public int Read { get; private set; }

    public int Count => inner.Count;

    public void CopyRanks(int first, Span<RankedMember> into)
    {
        Read += into.Length;
        inner.CopyRanks(first, into);
    }

    public bool TryGetScore(int id, out double score) => inner.TryGetScore(id, out score);

    public long Version => inner.Version;
}
