using System.Buffers.Text;
using System.Text;
using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>The string family's in-place updates: APPEND, SETRANGE and the counters. Each keeps the key's TTL.</summary>
public static partial class StringCommands
{
    /// <summary>Redis's proto-max-bulk-len: no string may grow past it.</summary>
    internal const long MaxStringLength = 512L * 1024 * 1024;

    private static void Append(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        if (!TryReadForUpdate(c, out bool exists))
            return;
        var suffix = c.Arg(2);
        if (!exists)
        {
            ks.Set(c.Arg(1), suffix, 0);
            c.Notify(PubSub.NotifyClass.String, "append"u8, c.Arg(1));
            c.Output.WriteInteger(suffix.Length);
            return;
        }
        long total = (long)ks.Value.Length + suffix.Length;
        if (total > MaxStringLength)
        {
            c.Output.WriteError(Errors.TooLarge);
            return;
        }
        var appended = new byte[total];
        ks.Value.Span.CopyTo(appended);
        suffix.CopyTo(appended.AsSpan(ks.Value.Length));
        ks.Set(c.Arg(1), appended, ks.Value.ExpireAt);
        c.Notify(PubSub.NotifyClass.String, "append"u8, c.Arg(1));
        c.Output.WriteInteger(total);
    }

    /// <summary>SETRANGE key offset value: overwrite from offset, zero-padding a shorter string.</summary>
    private static void SetRange(CommandContext c)
    {
        if (!c.TryInt64(2, out long offset))
            return;
        if (offset < 0)
        {
            c.Output.WriteError(Errors.OffsetOutOfRange);
            return;
        }
        var ks = c.Keyspace;
        var patch = c.Arg(3);
        using var write = ks.Lock();
        if (!TryReadForUpdate(c, out bool exists))
            return;
        long current = exists ? ks.Value.Length : 0;
        if (patch.IsEmpty)
        {
            c.Output.WriteInteger(current);   // nothing to write: Redis neither creates nor changes the key
            return;
        }
        if (offset > MaxStringLength - patch.Length)   // not offset + length: that overflows for offsets near 2^63
        {
            c.Output.WriteError(Errors.TooLarge);
            return;
        }
        int total = (int)Math.Max(current, offset + patch.Length);
        long expireAt = exists ? ks.Value.ExpireAt : 0;
        var updated = new byte[total];
        if (exists)
            ks.Value.Span.CopyTo(updated);
        patch.CopyTo(updated.AsSpan((int)offset));
        ks.Set(c.Arg(1), updated, expireAt);
        c.Notify(PubSub.NotifyClass.String, "setrange"u8, c.Arg(1));
        c.Output.WriteInteger(total);
    }

    private static void IncrByArg(CommandContext c, bool negate)
    {
        if (!c.TryInt64(2, out long by))
            return;
        if (negate && by == long.MinValue)
        {
            c.Output.WriteError("ERR decrement would overflow");
            return;
        }
        IncrBy(c, negate ? -by : by);
    }

    private static void IncrBy(CommandContext c, long by)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        if (ks.TryIncrementInPlace(c.Arg(1), by, out long sum))
        {
            c.Notify(PubSub.NotifyClass.String, "incrby"u8, c.Arg(1));
            c.Output.WriteInteger(sum);
            return;
        }
        long current = 0;
        if (!TryReadForUpdate(c, out bool exists))
            return;
        if (exists && !RedisNumber.TryParseInt64(ks.Value.Span, out current))
        {
            c.Output.WriteError(Errors.NotInteger);
            return;
        }
        long expireAt = exists ? ks.Value.ExpireAt : 0;
        if ((by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
        {
            c.Output.WriteError(Errors.Overflow);
            return;
        }
        long result = current + by;
        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(result, text, out int n);
        ks.Set(c.Arg(1), text[..n], expireAt);
        c.Notify(PubSub.NotifyClass.String, "incrby"u8, c.Arg(1));
        c.Output.WriteInteger(result);
    }

    /// <summary>INCRBYFLOAT key increment, in Redis's arithmetic (C long double) and its "%.17Lf" text.</summary>
    private static void IncrByFloat(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var current = LongDouble.Zero;
        if (!TryReadForUpdate(c, out bool exists))
            return;
        if (exists && !LongDouble.TryParse(ks.Value.Span, out current))
        {
            c.Output.WriteError(Errors.NotFloat);
            return;
        }
        long expireAt = exists ? ks.Value.ExpireAt : 0;
        if (!LongDouble.TryParse(c.Arg(2), out var by))
        {
            c.Output.WriteError(Errors.NotFloat);
            return;
        }
        var result = current + by;
        if (result.IsInfinity)
        {
            c.Output.WriteError(Errors.NaNOrInfinity);
            return;
        }
        var text = Encoding.ASCII.GetBytes(result.ToHumanString());
        ks.Set(c.Arg(1), text, expireAt);
        c.Notify(PubSub.NotifyClass.String, "incrbyfloat"u8, c.Arg(1));
        c.Output.WriteBulkString(text);
    }

    /// <summary>
    /// Reads the key a string update works on (the caller holds the write lock) into
    /// <c>Keyspace.Value</c>; replies WRONGTYPE and returns false when it holds another type.
    /// </summary>
    private static bool TryReadForUpdate(CommandContext c, out bool exists)
    {
        var type = c.Keyspace.ReadLive(c.Arg(1));
        exists = type == KeyType.String;
        if (type is KeyType.None or KeyType.String)
            return true;
        c.Output.WriteError(Errors.WrongType);
        return false;
    }
}
