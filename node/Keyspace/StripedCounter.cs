using System.Runtime.InteropServices;

namespace Istore.Node.Keyspace;

/// <summary>
/// A count that every event loop adds to on every read (keyspace hits and misses): one slot per
/// writer stripe, each on a cache line of its own, so loops on a many-core host do not fight
/// over one line; reading sums the slots. A reset racing an add may keep that add.
/// </summary>
public sealed class StripedCounter
{
    private const int Stripes = 64;

    /// <summary>128 bytes, the value in the second half: clear of the array's header and of prefetched neighbours.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Slot
    {
        [FieldOffset(64)] public long Value;
    }

    private static int s_nextStripe;
    private readonly Slot[] _slots = new Slot[Stripes];

    /// <summary>A stripe for a new writer (a keyspace session: one per loop or thread).</summary>
    public static int NewStripe() => Interlocked.Increment(ref s_nextStripe) & (Stripes - 1);

    public void Increment(int stripe) => Interlocked.Increment(ref _slots[stripe].Value);

    public long Value
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < Stripes; i++)
                sum += Volatile.Read(ref _slots[i].Value);
            return sum;
        }
    }

    public void Reset()
    {
        for (int i = 0; i < Stripes; i++)
            Interlocked.Exchange(ref _slots[i].Value, 0);
    }
}
