namespace Istore.Net.Server;

/// <summary>
/// Hands the memory of large arrays back to the OS once they are let go (a big request's or reply's
/// buffer, a log's, a large value's copy) or a store removed much. The GC frees large objects only in
/// full collections, which a process that then goes quiet may not run for a long time, and keeps a
/// freed region until it has aged through a few more, then decommits it gradually. Measured: a node
/// that had taken a 512 MB and a 64 MB string sat at 1.86 GB RSS (redis-server: 0.60 GB) on 0.58 GB of
/// live heap for as long as it stayed quiet; with a full collection a second, RSS fell after two to four
/// of them, by about 200 MB a collection, to 0.72 GB. So once enough was let go, housekeeping asks for a
/// full collection in each second nothing was served: a few while the freed regions age, then more
/// while each still hands memory back. In the background and not compacting, and only when quiet: under
/// load the GC's own collections do this work, and extra full ones are not free there (measured: five
/// during 3.9 million DELs of small hashes added 250 ms of pauses, one of 228 ms).
/// </summary>
public static class MemoryGiveBack
{
    /// <summary>Arrays from this size on are counted (smaller ones are collected young).</summary>
    public const int CountedBytes = 1 << 20;

    /// <summary>A give-back starts once this much, or a quarter of the heap if more, was let go.</summary>
    private const long DueBytes = 64L << 20;

    /// <summary>Collections while freed regions age; then one more only while the last gave back this much; and a bound.</summary>
    private const int AgingCollections = 4;
    private const long ProgressBytes = 16L << 20;
    private const int MaxCollections = 16;

    private static long _dropped;
    private static long _workBefore;
    private static int _agingLeft, _collections, _collecting;
    private static long _residentBefore;

    /// <summary>Notes an array of <paramref name="length"/> bytes that nothing references any more.</summary>
    public static void Dropped(long length)
    {
        if (length >= CountedBytes)
            Interlocked.Add(ref _dropped, length);
    }

    /// <summary>Starts a give-back (a store that removed many elements, freed log pages): what was freed now ages from now.</summary>
    public static void Request()
    {
        Volatile.Write(ref _agingLeft, AgingCollections);
        Volatile.Write(ref _collections, 0);
    }

    /// <summary>
    /// Once a second, from a housekeeping thread; <paramref name="work"/> is a count that grows while requests
    /// are served (bytes received, a replica's stream offset): a second in which it moved is not quiet. The
    /// collection is asked for on the thread pool: a request made while a background collection runs may
    /// wait for it, and housekeeping (the everysec fsync) must not.
    /// </summary>
    public static void Tick(long work)
    {
        long dropped = Volatile.Read(ref _dropped);
        if (dropped >= Math.Max(DueBytes, GC.GetGCMemoryInfo().HeapSizeBytes / 4))
        {
            Interlocked.Add(ref _dropped, -dropped);
            Request();
        }
        bool aging = Volatile.Read(ref _agingLeft) > 0;
        bool served = work != _workBefore;
        _workBefore = work;
        if ((!aging && _collections == 0) || served || Volatile.Read(ref _collecting) == 1)
            return;   // no give-back under way, not quiet, or its last collection still being asked for
        long resident = Environment.WorkingSet;
        bool progressing = _residentBefore - resident >= ProgressBytes;
        _residentBefore = resident;
        if (_collections >= MaxCollections || !(aging || progressing))
        {
            _collections = 0;
            return;
        }
        if (aging)
            Interlocked.Decrement(ref _agingLeft);
        _collections++;
        Volatile.Write(ref _collecting, 1);
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            try
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: false, compacting: false);
            }
            finally
            {
                Volatile.Write(ref _collecting, 0);
            }
        }, null);
    }
}
