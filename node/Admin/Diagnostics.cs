using System.Diagnostics;
using Istore.Node.Commands;

namespace Istore.Node.Admin;

/// <summary>
/// The slow-command diagnostics: SLOWLOG and the LATENCY monitor. A command's duration is
/// compared with <see cref="SlowTicks"/> — the smaller of the two thresholds — so a fast command
/// costs one comparison.
/// </summary>
public sealed class Diagnostics
{
    public SlowLog SlowLog { get; } = new();

    public LatencyMonitor Latency { get; } = new();

    /// <summary>Stopwatch ticks from which a command is worth a look (long.MaxValue: both off).</summary>
    public long SlowTicks { get; private set; } = MicrosToTicks(10_000);

    /// <summary>Recomputes <see cref="SlowTicks"/> after CONFIG SET changed a threshold.</summary>
    public void ThresholdsChanged()
    {
        long slowlog = SlowLog.SlowerThanMicros < 0 ? long.MaxValue : MicrosToTicks(SlowLog.SlowerThanMicros);
        long latency = Latency.ThresholdMs == 0 ? long.MaxValue : MicrosToTicks(Latency.ThresholdMs * 1000);
        SlowTicks = Math.Min(slowlog, latency);
    }

    private static long MicrosToTicks(long micros) =>
        micros >= long.MaxValue / Stopwatch.Frequency ? long.MaxValue : micros * Stopwatch.Frequency / 1_000_000;

    public static long TicksToMicros(long ticks) => (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));

    /// <summary>EXEC is logged through its commands, and AUTH/HELLO never (they carry passwords), as in Redis.</summary>
    private static bool SkipsSlowLog(string name) => name is "EXEC" or "AUTH" or "HELLO";

    /// <summary>
    /// The arguments the slow log and MONITOR show as "(redacted)": AUTH's and HELLO AUTH's
    /// credentials, CONFIG SET's sensitive values, ACL SETUSER's rules, MIGRATE's AUTH/AUTH2 credentials.
    /// </summary>
    internal static Func<int, bool> Secrets(CommandContext c)
    {
        if (c.Spec.Name == "AUTH")
            return i => i >= 1;
        if (c.Spec.Name == "HELLO")
        {
            for (int at = 2; at < c.Count; at++)
                if (c.ArgIs(at, "AUTH"u8))
                    return i => i == at + 1 || i == at + 2;
            return _ => false;
        }
        if (c.Spec.Name == "CONFIG" && c.Count > 2 && c.ArgIs(1, "SET"u8))
            return i => i >= 3 && i % 2 == 1 && Hosting.NodeConfig.IsSensitive(c.ArgString(i - 1));
        if (c.Spec.Name == "ACL" && c.ArgIs(1, "SETUSER"u8))
            return i => i >= 2;   // the user name too, as Redis
        if (c.Spec.Name != "MIGRATE")
            return _ => false;
        var secrets = new HashSet<int>();
        for (int i = 6; i < c.Count && !c.ArgIs(i, "KEYS"u8); i++)
        {
            int count = c.ArgIs(i, "AUTH"u8) ? 1 : c.ArgIs(i, "AUTH2"u8) ? 2 : 0;
            for (int k = 1; k <= count; k++)
                secrets.Add(i + k);
            i += count;
        }
        return secrets.Contains;
    }

    public void NoteSlow(CommandContext c, long ticks)
    {
        long micros = TicksToMicros(ticks);
        if (SlowLog.SlowerThanMicros >= 0 && micros >= SlowLog.SlowerThanMicros && !SkipsSlowLog(c.Spec.Name))
            SlowLog.Add(c.Args, micros, c.Connection.RemoteAddress, c.Client.Name, Secrets(c));
        bool fast = (c.Spec.Flags & Net.Commands.CommandFlags.Fast) != 0;
        Latency.Sample(fast ? "fast-command" : "command", micros / 1000);
    }
}
