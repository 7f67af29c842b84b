namespace Istore.Ranklist;

/// <summary>
/// Per-id working memory of a recall, reused across recalls: a running total per member id with
/// the stamp of the recall that last wrote it (so nothing is cleared between recalls), the ids
/// touched by this recall, and a buffer for reading a list's entries in chunks.
/// </summary>
internal sealed class RecallScratch
{
    public struct Cell
    {
        public double Total;
        public int Stamp;
    }

    public const int ChunkSize = 1024;

    public Cell[] Cells = [];
    public int[] Touched = new int[ChunkSize];
    public int TouchedCount;
    public readonly RankedMember[] Chunk = new RankedMember[ChunkSize];
    public int Stamp;

    public void Reserve(int ids)
    {
        if (Cells.Length < ids)
            Array.Resize(ref Cells, Math.Max(ids, Cells.Length * 2));
    }

    /// <summary>Starts a recall: a fresh stamp marks every cell stale without touching it.</summary>
    public int Begin()
    {
        TouchedCount = 0;
        if (++Stamp == int.MaxValue)
        {
            Array.Clear(Cells);
            Stamp = 1;
        }
        return Stamp;
    }

    public void Touch(int id)
    {
        if (TouchedCount == Touched.Length)
            Array.Resize(ref Touched, Touched.Length * 2);
        Touched[TouchedCount++] = id;
    }
}
