using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>
/// The expiry options shared by SET and GETEX (EX PX EXAT PXAT, plus KEEPTTL/PERSIST), turned into
/// an absolute Unix-ms time with Redis's validation and error.
/// </summary>
internal static class ExpiryOption
{
    public enum Kind { None, Ex, Px, ExAt, PxAt }

    public static Kind Parse(ReadOnlySpan<byte> word)
    {
        if (Ascii(word, "EX"u8)) return Kind.Ex;
        if (Ascii(word, "PX"u8)) return Kind.Px;
        if (Ascii(word, "EXAT"u8)) return Kind.ExAt;
        if (Ascii(word, "PXAT"u8)) return Kind.PxAt;
        return Kind.None;
    }

    /// <summary>
    /// Reads the amount at <paramref name="index"/> as an absolute Unix-ms time, or replies Redis's error
    /// (not an integer, or "invalid expire time in '&lt;command&gt;' command") and returns false.
    /// </summary>
    public static bool TryRead(CommandContext c, Kind kind, int index, out long expireAt)
    {
        expireAt = 0;
        if (!c.TryInt64(index, out long amount))
            return false;
        if (TryToAbsolute(kind, amount, Database.NowMs, out expireAt))
            return true;
        c.Output.WriteError(Errors.InvalidExpireTime(c.Spec.Name));
        return false;
    }

    /// <summary>Converts <paramref name="amount"/> of <paramref name="kind"/> to Unix ms; false when Redis calls it invalid.</summary>
    public static bool TryToAbsolute(Kind kind, long amount, long nowMs, out long expireAt)
    {
        expireAt = 0;
        if (amount <= 0)
            return false;
        bool seconds = kind is Kind.Ex or Kind.ExAt;
        if (seconds && amount > long.MaxValue / 1000)
            return false;
        long ms = seconds ? amount * 1000 : amount;
        if (kind is Kind.Ex or Kind.Px)
        {
            if (ms > long.MaxValue - nowMs)
                return false;
            ms += nowMs;
        }
        expireAt = ms;
        return true;
    }

    private static bool Ascii(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => System.Text.Ascii.EqualsIgnoreCase(a, b);
}
