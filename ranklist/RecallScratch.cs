namespace Istore.Ranklist;

/// <summary>
/// Per-id working memory of a recall, reused across recalls: a bit per member id saying whether
/// this recall has seen it (cleared per recall: 125 KB for a million ids, small enough to stay
/// in cache while the totals are scattered), the running total per
/// id (only valid where the bit is set, so never cleared), the ids seen in order, and a buffer for
/// reading a list's entries in chunks.
/// </summary>
internal sealed class RecallScratch
{
    public const int ChunkSize = 1024;

    public ulong[] Seen = [];
    public double[] Totals = [];
    public int[] Touched = new int[ChunkSize];
    public int TouchedCount;
    public readonly RankedMember[] Chunk = new RankedMember[ChunkSize];
    private int _ids;

    /// <summary>The merge the totals hold (<see cref="PartialRecall"/> sets it); any new use of the scratch forgets it.</summary>
    public MergeStamp? MergedFrom;

    /// <summary>Starts a recall over ids below <paramref name="ids"/>: nothing seen yet.</summary>
    public void Begin(int ids)
    {
        if (Totals.Length < ids)
        {
            int size = Math.Max(ids, Totals.Length * 2);
            Totals = new double[size];
            Seen = new ulong[(size + 63) / 64];
        }
        _ids = ids;
        MergedFrom = null;
        Array.Clear(Seen, 0, SeenWords);
        TouchedCount = 0;
    }

    /// <summary>Marks <paramref name="id"/> seen; true when it was not yet, and then records it as touched.</summary>
    public bool MarkSeen(int id)
    {
        ref ulong word = ref Seen[id >> 6];
        ulong bit = 1UL << id;
        if ((word & bit) != 0)
            return false;
        word |= bit;
        if (TouchedCount == Touched.Length)
            Array.Resize(ref Touched, Touched.Length * 2);
        Touched[TouchedCount++] = id;
        return true;
    }

    /// <summary>The touched list with room for <paramref name="more"/> ids after <see cref="TouchedCount"/>.</summary>
    public int[] ReserveTouched(int more)
    {
        if (TouchedCount + more > Touched.Length)
            Array.Resize(ref Touched, Math.Max(TouchedCount + more, Touched.Length * 2));
        return Touched;
    }

    /// <summary>Whether most ids were seen, so walking the bit words in id order beats the scattered touched list.</summary>
    public bool MostlySeen => TouchedCount * 4L > _ids;

    /// <summary>
    /// The words of <see cref="Seen"/> this recall uses. Words past them may hold an earlier
    /// recall's bits: a table cleared between recalls (the disk engine's) hands out fewer ids.
    /// </summary>
    public int SeenWords => (_ids + 63) / 64;
}
