namespace Istore.Ranklist;

/// <summary>
/// What a scratch's totals were merged from: each list by identity and version, its weight (by
/// bits: -0 and 0 finish differently), the depth and the aggregate. Equal stamps mean the same
/// merge, so its totals can be read again instead of merging the windows a second time.
/// </summary>
internal sealed class MergeStamp
{
    private readonly IRecallList?[] _lists;
    private readonly long[] _versions;
    private readonly long[] _weights;
    private readonly int _depth;
    private readonly RecallAggregate _aggregate;

    public MergeStamp(IReadOnlyList<WeightedList?> lists, int depth, RecallAggregate aggregate)
    {
        _lists = [.. lists.Select(list => list?.List)];
        _versions = [.. lists.Select(list => list?.List.Version ?? 0)];
        _weights = [.. lists.Select(list => BitConverter.DoubleToInt64Bits(list?.Weight ?? 0))];
        _depth = depth;
        _aggregate = aggregate;
    }

    public bool SameAs(MergeStamp other)
    {
        if (_depth != other._depth || _aggregate != other._aggregate || _lists.Length != other._lists.Length)
            return false;
        for (int i = 0; i < _lists.Length; i++)
            if (!ReferenceEquals(_lists[i], other._lists[i]) || _versions[i] != other._versions[i] || _weights[i] != other._weights[i])
                return false;
        return true;
    }
}
