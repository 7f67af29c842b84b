using System.Diagnostics;

namespace Istore.Node.Keyspace;

/// <summary>
/// Unix milliseconds from <see cref="Stopwatch"/> timestamps: the wall clock's offset from the
/// monotonic one, taken at start and again every second (<see cref="Calibrate"/>), so a stepped
/// wall clock (NTP) is followed within a second. A command's time then costs no clock read of
/// its own: its start was read for its statistics anyway.
/// </summary>
internal static class WallClock
{
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    /// <summary>Unix ms at timestamp 0.</summary>
    private static double s_offsetMs = OffsetNow();

    public static long NowMs() => MsAt(Stopwatch.GetTimestamp());

    public static long MsAt(long timestamp) => (long)(Volatile.Read(ref s_offsetMs) + timestamp * MsPerTick);

    public static void Calibrate() => Volatile.Write(ref s_offsetMs, OffsetNow());

    private static double OffsetNow()
    {
        long timestamp = Stopwatch.GetTimestamp();
        return (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds - timestamp * MsPerTick;
    }
}
