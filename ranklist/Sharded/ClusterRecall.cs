namespace Istore.Ranklist;

/// <summary>
/// A host's recall across shards: by shard (<see cref="GroupedRecall"/>) for a SUM when some
/// shard holds several of the lists, else by list (<see cref="ShardedRecall"/>), which also takes over when
/// the grouped recall finds a negative contribution under SUM after its first round, or when the
/// windows are small enough to be read whole in one round.
/// </summary>
public sealed class ClusterRecall
{
    private readonly ShardedRecall _byList;
    private RecallRounds _running;

    /// <param name="shardOfList">Per list (in query order), the shard that holds it.</param>
    public ClusterRecall(int count, IReadOnlyList<double> weights, RecallAggregate aggregate, int depth, int exclusions, IReadOnlyList<int> shardOfList)
    {
        _byList = new ShardedRecall(count, weights, aggregate, depth, exclusions);
        _running = !_byList.ReadsWhole && GroupedRecall.Suits(aggregate, weights, shardOfList)
            ? new GroupedRecall(count, weights, shardOfList, exclusions)
            : _byList;
    }

    /// <summary>The algorithm answering now (the grouped one may hand over to the one by list).</summary>
    public RecallRounds Running => _running;

    public List<RecallEntry> Result => _running.Result;

    public string? Error => _running.Error;

    public IReadOnlyList<RecallStep> Start() => _running.Start();

    public IReadOnlyList<RecallStep>? Next()
    {
        var next = _running.Next();
        if (next is not null || _running is not GroupedRecall { NeedsListRecall: true })
            return next;
        _running = _byList;
        return _byList.Start();
    }
}
