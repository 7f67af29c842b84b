using System.Buffers.Text;
using System.Text;
using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>The string family's in-place updates: APPEND, SETRANGE and the counters. Each keeps the key's TTL.</summary>
public static partial class StringCommands
{
    /// <summary>Redis's proto-max-bulk-len: no string may grow past it.</summary>
    private const long MaxStringLength = 512L * 1024 * 1024;

    private static void Append(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var type = ks.ReadLive(c.Arg(1));
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        var suffix = c.Arg(2);
        if (type == KeyType.None)
        {
            ks.Set(c.Arg(1), suffix, 0);
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
        var type = ks.ReadLive(c.Arg(1));
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        long current = type == KeyType.None ? 0 : ks.Value.Length;
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
        long expireAt = type == KeyType.None ? 0 : ks.Value.ExpireAt;
        var updated = new byte[total];
        if (type == KeyType.String)
            ks.Value.Span.CopyTo(updated);
        patch.CopyTo(updated.AsSpan((int)offset));
        ks.Set(c.Arg(1), updated, expireAt);
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
        var type = ks.ReadLive(c.Arg(1));
        long current = 0, expireAt = 0;
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        if (type == KeyType.String)
        {
            if (!RedisNumber.TryParseInt64(ks.Value.Span, out current))
            {
                c.Output.WriteError(Errors.NotInteger);
                return;
            }
            expireAt = ks.Value.ExpireAt;
        }
        if ((by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
        {
            c.Output.WriteError(Errors.Overflow);
            return;
        }
        long result = current + by;
        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(result, text, out int n);
        ks.Set(c.Arg(1), text[..n], expireAt);
        c.Output.WriteInteger(result);
    }

    /// <summary>INCRBYFLOAT key increment, in Redis's arithmetic (C long double) and its "%.17Lf" text.</summary>
    private static void IncrByFloat(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var type = ks.ReadLive(c.Arg(1));
        var current = LongDouble.Zero;
        long expireAt = 0;
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        if (type == KeyType.String)
        {
            if (!LongDouble.TryParse(ks.Value.Span, out current))
            {
                c.Output.WriteError(Errors.NotFloat);
                return;
            }
            expireAt = ks.Value.ExpireAt;
        }
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
        c.Output.WriteBulkString(text);
    }
}
