namespace Istore.Ranklist;

/// <summary>A member a sharded recall has seen, with what is known of it in each list.</summary>
internal sealed class RecallCandidate(byte[] member, int lists)
{
    public enum Presence : byte { Unknown, Present, Absent }

    public enum Exclusion : byte { Unknown, No, Yes }

    public byte[] Member { get; } = member;

    /// <summary>Per list: whether the member is in its DEPTH window, and its score there when it is.</summary>
    public Presence[] State { get; } = new Presence[lists];

    public double[] Scores { get; } = new double[lists];

    public Exclusion Excluded { get; set; }

    /// <summary>Seen in the first round: the threshold is taken among these.</summary>
    public bool FromProbe { get; set; }

    /// <summary>Proven outside the answer by its upper bound.</summary>
    public bool Pruned { get; set; }

    /// <summary>The exact aggregate (after <see cref="RecallOrder.Finish"/>), once every list is known.</summary>
    public double Score { get; set; }

    public bool IsExact { get; set; }

    public void SetPresent(int list, double score)
    {
        State[list] = Presence.Present;
        Scores[list] = score;
    }
}
