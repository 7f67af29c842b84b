namespace Istore.Ranklist;

/// <summary>What one step of a sharded recall asks of one list or exclusion key.</summary>
public enum RecallStepKind
{
    /// <summary>RL.WINDOW: rows of list <see cref="RecallStep.Target"/>'s window in contribution order from Offset, at most Limit, none below Min.</summary>
    Rows,
    /// <summary>RL.WINDOWSCORE: the window scores of <see cref="RecallStep.Members"/> in list Target.</summary>
    Scores,
    /// <summary>RL.EXCLUDED: whether exclusion key Target excludes each of <see cref="RecallStep.Members"/> (none: a type check).</summary>
    Excluded,
}

/// <summary>
/// One request of a round of <see cref="ShardedRecall"/>, sent to the shard of its key; the
/// host fills in the reply fields (or <see cref="Error"/>) before asking for the next round.
/// </summary>
public sealed class RecallStep
{
    public RecallStepKind Kind { get; init; }

    /// <summary>The list's index in the query (Rows, Scores) or the exclusion key's (Excluded).</summary>
    public int Target { get; init; }

    public int Offset { get; init; }

    public int Limit { get; init; }

    public double Min { get; init; } = double.NegativeInfinity;

    public IReadOnlyList<byte[]> Members { get; init; } = [];

    /// <summary>Reply to Rows: the window's length (min of DEPTH and the list's size).</summary>
    public int WindowLength { get; set; }

    /// <summary>Reply to Rows: the rows read, in contribution order.</summary>
    public List<(byte[] Member, double Score)> Rows { get; } = [];

    /// <summary>Reply to Scores: per member its score, or null when it is not in the window.</summary>
    public double?[] Scores { get; set; } = [];

    /// <summary>Reply to Excluded: per member whether it is excluded.</summary>
    public bool[] ExcludedFlags { get; set; } = [];

    /// <summary>The error the shard answered with: the recall answers with it.</summary>
    public string? Error { get; set; }
}
