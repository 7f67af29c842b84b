using System.Buffers.Text;
using System.Text;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>The hash family (HSET … HSCAN) on a <see cref="HashValue"/> of either engine.</summary>
public static class HashCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("HSET", c => Set(c, countAdded: true));
        t.Add("HMSET", c => Set(c, countAdded: false));
        t.Add("HSETNX", SetIfMissing);
        t.Add("HGET", Get);
        t.Add("HMGET", MultiGet);
        t.Add("HDEL", static c => c.RemoveEach(static (HashValue hash, ReadOnlySpan<byte> field) => hash.Remove(field)));
        t.Add("HEXISTS", Exists);
        t.Add("HLEN", static c => c.WriteLength<HashValue>());
        t.Add("HSTRLEN", StrLen);
        t.Add("HKEYS", c => All(c, fields: true, values: false));
        t.Add("HVALS", c => All(c, fields: false, values: true));
        t.Add("HGETALL", c => All(c, fields: true, values: true));
        t.Add("HINCRBY", IncrBy);
        t.Add("HINCRBYFLOAT", IncrByFloat);
        t.Add("HRANDFIELD", HashRandomField.Execute);
        t.Add("HSCAN", Scan);
    }

    /// <summary>HSET key field value [field value …] (the number added) and HMSET (OK).</summary>
    private static void Set(CommandContext c, bool countAdded)
    {
        if (c.Count % 2 != 0)
        {
            c.WrongArity();
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryOpen<HashValue>(1, static () => new HashObject(), out var hash))
            return;
        long added = hash.SetPairs(c.Args, 2);
        c.Notify(PubSub.NotifyClass.Hash, "hset"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), hash);
        c.Keyspace.LogCommand(c.Args);
        if (countAdded) c.Output.WriteInteger(added);
        else c.Output.WriteOk();
    }

    private static void SetIfMissing(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out HashValue? existing))
            return;
        if (existing is not null && existing.TryGet(c.Arg(2), out _))
        {
            c.Output.WriteInteger(0);
            return;
        }
        if (!c.TryOpen<HashValue>(1, static () => new HashObject(), out var hash))
            return;
        hash.Set(c.Arg(2), c.Arg(3));
        c.Notify(PubSub.NotifyClass.Hash, "hset"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), hash);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(1);
    }

    private static void Get(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out HashValue? hash))
            return;
        if (hash is not null && hash.TryGet(c.Arg(2), out var value))
            c.Output.WriteBulkString(value);
        else
            c.Output.WriteNull();
    }

    private static void MultiGet(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out HashValue? hash))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
        {
            if (hash is not null && hash.TryGet(c.Arg(i), out var value))
                c.Output.WriteBulkString(value);
            else
                c.Output.WriteNull();
        }
    }

    private static void Exists(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out HashValue? hash))
            c.Output.WriteInteger(hash is not null && hash.TryGet(c.Arg(2), out _) ? 1 : 0);
    }

    private static void StrLen(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out HashValue? hash))
            c.Output.WriteInteger(hash is not null && hash.TryGet(c.Arg(2), out var value) ? value.Length : 0);
    }

    /// <summary>HKEYS, HVALS, HGETALL (a map in RESP3).</summary>
    private static void All(CommandContext c, bool fields, bool values)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out HashValue? hash))
            return;
        int count = (int)(hash?.Length ?? 0);
        if (fields && values) c.Output.WriteMapHeader(count);
        else c.Output.WriteArrayHeader(count);
        if (hash is null)
            return;
        foreach (var pair in hash)
        {
            if (fields) c.Output.WriteBulkString(pair.Field);
            if (values) c.Output.WriteBulkString(pair.Value);
        }
    }

    /// <summary>HINCRBY key field increment: the field must hold a 64-bit integer; overflow is refused.</summary>
    private static void IncrBy(CommandContext c)
    {
        if (!c.TryInt64(3, out long by))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out HashValue? existing))
            return;
        long current = 0;
        if (existing is not null && existing.TryGet(c.Arg(2), out var text) && !RedisNumber.TryParseInt64(text, out current))
        {
            c.Output.WriteError("ERR hash value is not an integer");
            return;
        }
        if ((by > 0 && current > long.MaxValue - by) || (by < 0 && current < long.MinValue - by))
        {
            c.Output.WriteError(Errors.Overflow);
            return;
        }
        long result = current + by;
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(result, digits, out int n);
        if (!c.TryOpen<HashValue>(1, static () => new HashObject(), out var hash))
            return;
        hash.Set(c.Arg(2), digits[..n]);
        c.Notify(PubSub.NotifyClass.Hash, "hincrby"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), hash);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteInteger(result);
    }

    /// <summary>HINCRBYFLOAT key field increment, in Redis's long-double arithmetic; logged as HSET of the result, as Redis does.</summary>
    private static void IncrByFloat(CommandContext c)
    {
        if (!LongDouble.TryParse(c.Arg(3), out var by))
        {
            c.Output.WriteError(Errors.NotFloat);
            return;
        }
        if (by.IsInfinity)
        {
            c.Output.WriteError("ERR value is NaN or Infinity");
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out HashValue? existing))
            return;
        var current = LongDouble.Zero;
        if (existing is not null && existing.TryGet(c.Arg(2), out var text) && !LongDouble.TryParse(text, out current))
        {
            c.Output.WriteError("ERR hash value is not a float");
            return;
        }
        var result = current + by;
        if (result.IsInfinity)
        {
            c.Output.WriteError(Errors.NaNOrInfinity);
            return;
        }
        var formatted = Encoding.ASCII.GetBytes(result.ToHumanString());
        if (!c.TryOpen<HashValue>(1, static () => new HashObject(), out var hash))
            return;
        hash.Set(c.Arg(2), formatted);
        c.Notify(PubSub.NotifyClass.Hash, "hincrbyfloat"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), hash);
        using (var log = c.Keyspace.BeginRecord(4))
        {
            log.Arg("HSET"u8);
            log.Arg(c.Arg(1));
            log.Arg(c.Arg(2));
            log.Arg(formatted);
        }
        c.Output.WriteBulkString(formatted);
    }

    /// <summary>HSCAN key cursor [MATCH pattern] [COUNT count]</summary>
    private static void Scan(CommandContext c) =>
        CollectionScan.Execute<HashValue>(c, static (hash, scan, found) => hash.Scan(scan.Cursor, scan.Count, scan.Pattern, found));
}
