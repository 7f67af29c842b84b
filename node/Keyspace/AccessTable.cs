using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Istore.Node.Keyspace;

/// <summary>
/// When each key was last used and how often, for OBJECT IDLETIME/FREQ and LRU/LFU eviction:
/// Redis's 24-bit clock (seconds) and 8-bit logarithmic counter, kept beside the engine in a
/// fixed table of 64-bit words (a 32-bit key tag, the clock, the counter) in buckets of four,
/// found by hashing the key. A touch is a hash and one store, without a lock or an allocation;
/// racing touches of one bucket may lose one, which only ages that key a little. A key pushed out
/// of its full bucket by more recently used ones counts as idle as the oldest left there.
/// Both the clock and the counter are kept whatever the policy, so switching needs no warm-up.
/// </summary>
public sealed class AccessTable(long maxSlots)
{
    private const int Ways = 4;
    private const int MinBuckets = 1 << 12;

    /// <summary>The counter of a new key (Redis's LFU_INIT_VAL): new keys are not evicted first.</summary>
    public const int InitialFrequency = 5;

    /// <summary>Redis's LRU_CLOCK_MAX: the clock wraps after about 194 days.</summary>
    private const uint ClockMax = (1 << 24) - 1;

    private ulong[] _slots = new ulong[MinBuckets * Ways];

    /// <summary>lfu-log-factor: how many accesses it takes to raise the counter (logarithmically).</summary>
    public int LogFactor { get; set; } = 10;

    /// <summary>lfu-decay-time: minutes per counter decrement while a key is not used (0 = never).</summary>
    public int DecayMinutes { get; set; } = 1;

    /// <summary>Unix seconds, read from the monotonic tick count.</summary>
    private static readonly long UnixSecondsAtZeroTicks = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - Environment.TickCount64 / 1000;

    private static uint ReadClock() => (uint)(UnixSecondsAtZeroTicks + Environment.TickCount64 / 1000) & ClockMax;

    private static volatile uint _clock = ReadClock();

    /// <summary>
    /// Seconds truncated to 24 bits, like Redis's LRU clock; and like Redis's server.lruclock a
    /// field that housekeeping advances (<see cref="Tick"/>), so a touch reads no clock. What is
    /// reported (idle times, decay) reads the clock itself: a stamp is never later than that.
    /// </summary>
    private static uint Clock => _clock;

    /// <summary>Advances <see cref="Clock"/>; called every 100 ms by housekeeping.</summary>
    public static void Tick() => _clock = ReadClock();

    public long Slots => _slots.Length;

    /// <summary>A use of the key with this <see cref="Tag"/>: the clock is now, the counter rises (probabilistically); a new key starts afresh.</summary>
    public void Touch(uint tag, bool created = false)
    {
        var slots = _slots;
        uint clock = Clock;
        ref ulong slot = ref FindOrClaim(slots, tag, clock, out bool found);
        int counter = found && !created ? Increment(Decayed(slot, clock)) : InitialFrequency;
        slot = Pack(tag, clock, counter);
    }

    /// <summary>
    /// Starts loading the bucket of <paramref name="tag"/> into the cache: a command prefetches it
    /// before its engine lookup, so this table's one cache miss overlaps the engine's instead of
    /// following them (it was about a tenth of a SET's time over a million keys).
    /// </summary>
    public unsafe void Prefetch(uint tag)
    {
        if (!Sse.IsSupported)
            return;
        var slots = _slots;
        int start = (int)(tag & (uint)(slots.Length / Ways - 1)) * Ways;
        Sse.Prefetch0(Unsafe.AsPointer(ref slots[start]));
    }

    /// <summary>RESTORE … IDLETIME/FREQ: sets what a key's last use and counter are.</summary>
    public void Set(ReadOnlySpan<byte> key, long idleSeconds, int frequency)
    {
        uint tag = Tag(key);
        uint now = ReadClock();
        _clock = now;   // no stamp may be ahead of the clock touches use
        ref ulong slot = ref FindOrClaim(_slots, tag, now, out _);
        // Like Redis's objectSetLRUOrLFU: a time before the clock's start wraps around it.
        long clock = now - idleSeconds;
        if (clock < 0)
            clock += ClockMax;
        slot = Pack(tag, (uint)clock, frequency);
    }

    /// <summary>Seconds since the key was last used, without touching it (OBJECT IDLETIME).</summary>
    public long IdleSeconds(ReadOnlySpan<byte> key) => Idle(Find(Tag(key)), ReadClock());

    /// <summary>The counter as Redis reports it: decayed for the time the key went unused (OBJECT FREQ).</summary>
    public int Frequency(ReadOnlySpan<byte> key) => Find(Tag(key)) is var word && word != 0 ? Decayed(word, ReadClock()) : 0;

    /// <summary>Forgets everything (FLUSHALL).</summary>
    public void Clear() => _slots = new ulong[MinBuckets * Ways];

    /// <summary>
    /// Makes room for <paramref name="keys"/> keys (one to two slots each), moving what is known.
    /// Called from one housekeeping thread; touches that land in the old table meanwhile are lost.
    /// </summary>
    public void Fit(long keys)
    {
        long buckets = Math.Max(MinBuckets, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, (keys + Ways - 1) / Ways)));
        buckets = Math.Min(buckets, Math.Max(MinBuckets, maxSlots / Ways));
        if (buckets * Ways <= _slots.Length)
            return;
        var old = _slots;
        var grown = new ulong[buckets * Ways];
        foreach (ulong word in old)
        {
            if (word == 0)
                continue;
            ref ulong slot = ref FindOrClaim(grown, (uint)(word >> 32), Clock, out _);
            slot = word;
        }
        _slots = grown;
    }

    /// <summary>The bucket comes from the tag's low bits, so growing can re-place a word from its tag alone.</summary>
    public static uint Tag(ReadOnlySpan<byte> key) => (uint)(XxHash3.HashToUInt64(key) >> 32) | 1;   // 0 marks an empty slot

    private ulong Find(uint tag)
    {
        var slots = _slots;
        int start = (int)(tag & (uint)(slots.Length / Ways - 1)) * Ways;
        ulong oldest = 0;
        uint clock = Clock;
        for (int i = start; i < start + Ways; i++)
        {
            ulong word = slots[i];
            if ((uint)(word >> 32) == tag)
                return word;
            if (word != 0 && (oldest == 0 || Idle(word, clock) > Idle(oldest, clock)))
                oldest = word;
        }
        // Pushed out (or never seen): as idle as the oldest key that stayed, and cold.
        return oldest == 0 ? 0 : oldest & ~0xFFUL;
    }

    private static ref ulong FindOrClaim(ulong[] slots, uint tag, uint clock, out bool found)
    {
        int start = (int)(tag & (uint)(slots.Length / Ways - 1)) * Ways;
        ref ulong bucket = ref slots[start];
        int victim = 0;
        for (int i = 0; i < Ways; i++)
        {
            ulong word = Unsafe.Add(ref bucket, i);
            if ((uint)(word >> 32) == tag)
            {
                found = true;
                return ref Unsafe.Add(ref bucket, i);
            }
            ulong current = Unsafe.Add(ref bucket, victim);
            if (current != 0 && (word == 0 || Idle(word, clock) > Idle(current, clock)))
                victim = i;
        }
        found = false;
        return ref Unsafe.Add(ref bucket, victim);
    }

    private static ulong Pack(uint tag, uint clock, int counter) => (ulong)tag << 32 | (ulong)(clock & ClockMax) << 8 | (uint)counter;

    /// <summary>Redis's estimateObjectIdleTime, in seconds; 0 for a key never seen.</summary>
    private static long Idle(ulong word, uint clock)
    {
        if (word == 0)
            return 0;
        uint last = (uint)(word >> 8) & ClockMax;
        return clock >= last ? clock - last : clock + (ClockMax - last);
    }

    /// <summary>Redis's LFUDecrAndReturn: one decrement per <see cref="DecayMinutes"/> unused.</summary>
    private int Decayed(ulong word, uint clock)
    {
        int counter = (int)(word & 0xFF);
        if (DecayMinutes == 0)
            return counter;
        long periods = Idle(word, clock) / 60 / DecayMinutes;
        return periods > counter ? 0 : counter - (int)periods;
    }

    /// <summary>Redis's LFULogIncr: the higher the counter, the less likely one more access raises it.</summary>
    private int Increment(int counter)
    {
        if (counter == 255)
            return counter;
        int baseline = Math.Max(0, counter - InitialFrequency);
        return baseline == 0 || Random.Shared.NextDouble() < 1.0 / (baseline * LogFactor + 1) ? counter + 1 : counter;
    }

    /// <summary>An eviction candidate's rank under LRU: seconds idle (bigger goes first).</summary>
    public long LruScore(ReadOnlySpan<byte> key) => IdleSeconds(key);

    /// <summary>An eviction candidate's rank under LFU: 255 minus its decayed counter (bigger goes first).</summary>
    public long LfuScore(ReadOnlySpan<byte> key) => 255 - Frequency(key);
}
