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
    /// <summary>RL.PARTIAL … TOP Limit: the best members of one shard's lists (<see cref="RecallStep.Lists"/>) by their partial aggregate.</summary>
    PartialTop,
    /// <summary>RL.PARTIAL … ABOVE Min: every member of one shard's lists whose partial aggregate is at least Min.</summary>
    PartialAbove,
    /// <summary>RL.PARTIAL … SCORES: the window scores of <see cref="RecallStep.Members"/> in each of one shard's lists.</summary>
    PartialScores,
}

/// <summary>
/// One request of a round of <see cref="ShardedRecall"/>, sent to the shard of its key; the
/// host fills in the reply fields (or <see cref="Error"/>) before asking for the next round.
/// </summary>
public sealed class RecallStep
{
    public RecallStepKind Kind { get; init; }

    /// <summary>The list's index in the query (Rows, Scores), the exclusion key's (Excluded) or the shard group's (Partial*).</summary>
    public int Target { get; init; }

    /// <summary>Partial*: the query indices of the lists the group's shard holds, in query order.</summary>
    public IReadOnlyList<int> Lists { get; init; } = [];

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

    /// <summary>Reply to Partial*: per member, its window score in each of <see cref="Lists"/> (null: not in that window).</summary>
    public List<(byte[] Member, double?[] Scores)> Partials { get; } = [];

    /// <summary>Reply to Partial*: whether every contribution in the group's windows is non-negative (a SUM bound needs it).</summary>
    public bool NonNegative { get; set; }

    /// <summary>Reply to PartialTop/PartialAbove: whether the rows are every member of the group's windows.</summary>
    public bool Complete { get; set; }

    /// <summary>The error the shard answered with: the recall answers with it.</summary>
    public string? Error { get; set; }
}
