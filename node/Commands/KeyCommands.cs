using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>Type-generic key commands: existence, type, deletion, renaming and copying, iteration.</summary>
public static partial class KeyCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("DEL", Delete);
        t.Add("UNLINK", Delete);
        t.Add("EXISTS", c => CountExisting(c));
        t.Add("TOUCH", c => CountExisting(c));
        t.Add("TYPE", Type);
        t.Add("RENAME", c => Rename(c, onlyIfTargetMissing: false));
        t.Add("RENAMENX", c => Rename(c, onlyIfTargetMissing: true));
        t.Add("COPY", Copy);
        t.Add("KEYS", Keys);
        t.Add("SCAN", Scan);
        t.Add("RANDOMKEY", RandomKey);
        t.Add("OBJECT", ObjectCommand.Execute);
        RegisterExpiry(t);
    }

    private static void Delete(CommandContext c)
    {
        long deleted = 0;
        using (c.Keyspace.Atomic())
            for (int i = 1; i < c.Count; i++)
                if (c.Keyspace.Delete(c.Arg(i)))
                    deleted++;
        c.Output.WriteInteger(deleted);
    }

    private static void CountExisting(CommandContext c)
    {
        long found = 0;
        for (int i = 1; i < c.Count; i++)
            if (c.Keyspace.Exists(c.Arg(i)))
                found++;
        c.Output.WriteInteger(found);
    }

    private static void Type(CommandContext c) =>
        c.Output.WriteSimpleString(c.Keyspace.TypeOf(c.Arg(1), out _).Name());

    private static void Rename(CommandContext c, bool onlyIfTargetMissing)
    {
        var ks = c.Keyspace;
        using var write = ks.Atomic();
        if (ks.ReadLive(c.Arg(1)) == KeyType.None)
        {
            c.Output.WriteError(Errors.NoSuchKey);
            return;
        }
        if (c.Arg(1).SequenceEqual(c.Arg(2)))
        {
            if (onlyIfTargetMissing) c.Output.WriteInteger(0);
            else c.Output.WriteOk();
            return;
        }
        if (onlyIfTargetMissing && ks.Exists(c.Arg(2)))
        {
            c.Output.WriteInteger(0);
            return;
        }
        var value = ks.Value.Span.ToArray();
        long expireAt = ks.Value.ExpireAt;
        ks.Delete(c.Arg(1));
        ks.Set(c.Arg(2), value, expireAt);
        if (onlyIfTargetMissing) c.Output.WriteInteger(1);
        else c.Output.WriteOk();
    }

    /// <summary>COPY source destination [DB 0] [REPLACE]</summary>
    private static void Copy(CommandContext c)
    {
        bool replace = false;
        for (int i = 3; i < c.Count; i++)
        {
            if (c.ArgIs(i, "REPLACE"u8)) replace = true;
            else if (c.ArgIs(i, "DB"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out long db))
                    return;
                if (db != 0)
                {
                    c.Output.WriteError(Errors.DbIndexOutOfRange);
                    return;
                }
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        if (c.Arg(1).SequenceEqual(c.Arg(2)))
        {
            c.Output.WriteError(Errors.SameObject);
            return;
        }
        var ks = c.Keyspace;
        using var write = ks.Atomic();
        if (ks.ReadLive(c.Arg(1)) == KeyType.None || (!replace && ks.Exists(c.Arg(2))))
        {
            c.Output.WriteInteger(0);
            return;
        }
        ks.Set(c.Arg(2), ks.Value.Span.ToArray(), ks.Value.ExpireAt);
        c.Output.WriteInteger(1);
    }

    private static void Keys(CommandContext c)
    {
        var keys = c.Keyspace.Keys(new GlobPattern(c.Args.ToArray(1)));
        c.Output.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
            c.Output.WriteBulkString(key);
    }

    /// <summary>SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]</summary>
    private static void Scan(CommandContext c)
    {
        // Any unsigned 64-bit number is a valid cursor, as in Redis; ones past the keyspace just end the scan.
        if (!ulong.TryParse(c.Arg(1), System.Globalization.NumberStyles.None, null, out ulong cursor))
        {
            c.Output.WriteError(Errors.InvalidCursor);
            return;
        }
        GlobPattern? pattern = null;
        KeyType? type = null;
        long count = 10;
        for (int i = 2; i < c.Count; i++)
        {
            if (i + 1 >= c.Count)
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
            if (c.ArgIs(i, "MATCH"u8))
            {
                pattern = new GlobPattern(c.Args.ToArray(++i));
            }
            else if (c.ArgIs(i, "COUNT"u8))
            {
                if (!c.TryInt64(++i, out count))
                    return;
                if (count < 1)
                {
                    c.Output.WriteError(Errors.Syntax);
                    return;
                }
            }
            else if (c.ArgIs(i, "TYPE"u8))
            {
                if (!TryParseTypeFilter(c, ++i, out var parsed))
                    return;
                type = parsed;
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        var keys = new List<byte[]>();
        long next = c.Keyspace.Scan((long)Math.Min(cursor, long.MaxValue), (int)Math.Min(count, 100_000), pattern, type, keys);
        c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(next);
        c.Output.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
            c.Output.WriteBulkString(key);
    }

    /// <summary>Any Redis type name is accepted; a type this node does not store yet simply matches nothing.</summary>
    private static bool TryParseTypeFilter(CommandContext c, int index, out KeyType type)
    {
        if (KeyTypeNames.TryParse(c.Arg(index), out type))
            return true;
        string name = c.ArgString(index).ToLowerInvariant();
        if (name is "list" or "set" or "zset" or "hash" or "stream")
        {
            type = KeyType.None;
            return true;
        }
        c.Output.WriteError($"ERR unknown type name '{Errors.Truncate(c.ArgString(index))}'");
        return false;
    }

    private static void RandomKey(CommandContext c)
    {
        var key = c.Keyspace.RandomKey();
        if (key is null) c.Output.WriteNull();
        else c.Output.WriteBulkString(key);
    }
}
