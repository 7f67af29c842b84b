using System.Globalization;

namespace Istore.Net.Server;

/// <summary>Redis's client classes for output buffer limits (CLIENT LIST's and the config's names).</summary>
public enum OutputClass
{
    Normal,
    Replica,
    PubSub,
}

/// <summary>
/// A class's limit: closed at once past <see cref="Hard"/> bytes, or after staying past
/// <see cref="Soft"/> bytes for <see cref="SoftSeconds"/> seconds without a break. 0 turns a limit off.
/// </summary>
public sealed record OutputBufferLimit(long Hard, long Soft, long SoftSeconds)
{
    public bool IsOff => Hard == 0 && Soft == 0;
}

/// <summary>
/// Redis's <c>client-output-buffer-limit</c>: replies a client does not read pile up in its send
/// buffer (a slow subscriber, a stalled replica); past its class's limit the client is closed
/// instead of growing the server's memory without bound. Read by every loop, changed by CONFIG SET.
/// </summary>
public sealed class OutputBufferLimits
{
    public const string RedisDefault = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    private readonly OutputBufferLimit[] _limits = new OutputBufferLimit[3];

    public OutputBufferLimits() => Set(RedisDefault);

    public OutputBufferLimit this[OutputClass kind] => Volatile.Read(ref _limits[(int)kind]);

    /// <summary>Changes the classes <paramref name="value"/> names (others keep theirs); null on success, else Redis's error and nothing changed.</summary>
    public string? Set(string value)
    {
        var (parsed, error) = Parse(value);
        foreach (var (kind, limit) in parsed)
            Volatile.Write(ref _limits[(int)kind], limit);
        return error;
    }

    /// <summary>Redis's error for a value <see cref="Set"/> would refuse, or null.</summary>
    public static string? Check(string value) => Parse(value).Error;

    private static (List<(OutputClass, OutputBufferLimit)> Limits, string? Error) Parse(string value)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length % 4 != 0)
            return ([], "Wrong number of arguments in buffer limit configuration.");
        var parsed = new List<(OutputClass, OutputBufferLimit)>();
        for (int i = 0; i < words.Length; i += 4)
        {
            OutputClass? kind = words[i].ToLowerInvariant() switch
            {
                "normal" => OutputClass.Normal,
                "slave" or "replica" => OutputClass.Replica,
                "pubsub" => OutputClass.PubSub,
                _ => null,
            };
            if (kind is null)
                return ([], "Invalid client class specified in buffer limit configuration.");
            if (!MemoryAmount.TryParse(words[i + 1], out decimal hard) || !MemoryAmount.TryParse(words[i + 2], out decimal soft)
                || hard > long.MaxValue || soft > long.MaxValue
                || !long.TryParse(words[i + 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) || seconds < 0)
                return ([], "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            parsed.Add((kind.Value, new OutputBufferLimit((long)hard, (long)soft, seconds)));
        }
        return (parsed, null);
    }

    /// <summary>CONFIG GET's form: every class, in bytes, in Redis's order and names.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { (OutputClass.Normal, "normal"), (OutputClass.Replica, "slave"), (OutputClass.PubSub, "pubsub") }
            .Select(c => $"{c.Item2} {this[c.Item1].Hard} {this[c.Item1].Soft} {this[c.Item1].SoftSeconds}"));

    /// <summary>
    /// Whether <paramref name="unsent"/> bytes break <paramref name="limit"/> now; <paramref name="overSoftSinceMs"/>
    /// is when the client went past the soft limit (0 while under it), kept by the caller.
    /// </summary>
    public static bool IsBroken(OutputBufferLimit limit, long unsent, ref long overSoftSinceMs, long nowMs)
    {
        if (limit.Hard > 0 && unsent >= limit.Hard)
            return true;
        if (limit.Soft == 0 || unsent < limit.Soft)
        {
            overSoftSinceMs = 0;
            return false;
        }
        if (overSoftSinceMs == 0)
            overSoftSinceMs = nowMs;
        return nowMs - overSoftSinceMs > limit.SoftSeconds * 1000;
    }
}
