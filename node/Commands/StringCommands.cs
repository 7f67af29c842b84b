using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>GET, SET and their relatives: the string family's reads and whole-value writes.</summary>
public static partial class StringCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("GET", Get);
        t.Add("SET", Set);
        t.Add("SETNX", SetNx);
        t.Add("SETEX", c => SetWithTtl(c, ExpiryOption.Kind.Ex));
        t.Add("PSETEX", c => SetWithTtl(c, ExpiryOption.Kind.Px));
        t.Add("GETSET", GetSet);
        t.Add("GETDEL", GetDel);
        t.Add("GETEX", GetEx);
        t.Add("MGET", MGet);
        t.Add("MSET", c => MSet(c, onlyIfNoneExist: false));
        t.Add("MSETNX", c => MSet(c, onlyIfNoneExist: true));
        t.Add("STRLEN", StrLen);
        t.Add("GETRANGE", GetRange);
        t.Add("SUBSTR", GetRange);
        t.Add("APPEND", Append);
        t.Add("SETRANGE", SetRange);
        t.Add("INCR", c => IncrBy(c, 1));
        t.Add("DECR", c => IncrBy(c, -1));
        t.Add("INCRBY", c => IncrByArg(c, negate: false));
        t.Add("DECRBY", c => IncrByArg(c, negate: true));
        t.Add("INCRBYFLOAT", IncrByFloat);
        t.Add("LCS", LcsCommand.Execute);
    }

    private static void Get(CommandContext c)
    {
        if (c.Keyspace.Get(c.Arg(1)) == KeyType.None)
            c.Output.WriteNull();
        else
            c.Output.WriteBulkString(c.Keyspace.Value.Span);
    }

    /// <summary>SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]</summary>
    private static void Set(CommandContext c)
    {
        bool nx = false, xx = false, get = false, keepTtl = false;
        var expiryKind = ExpiryOption.Kind.None;
        long expiryAmount = 0;
        for (int i = 3; i < c.Count; i++)
        {
            var word = c.Arg(i);
            var kind = ExpiryOption.Parse(word);
            if (c.ArgIs(i, "NX"u8) && !xx) nx = true;
            else if (c.ArgIs(i, "XX"u8) && !nx) xx = true;
            else if (c.ArgIs(i, "GET"u8)) get = true;
            else if (c.ArgIs(i, "KEEPTTL"u8) && expiryKind == ExpiryOption.Kind.None) keepTtl = true;
            else if (kind != ExpiryOption.Kind.None && expiryKind == ExpiryOption.Kind.None && !keepTtl && i + 1 < c.Count)
            {
                expiryKind = kind;
                if (!c.TryInt64(++i, out expiryAmount))
                    return;
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        long expireAt = 0;
        if (expiryKind != ExpiryOption.Kind.None && !ExpiryOption.TryToAbsolute(expiryKind, expiryAmount, Database.NowMs, out expireAt))
        {
            c.Output.WriteError(Errors.InvalidExpireTime("set"));
            return;
        }
        var ks = c.Keyspace;
        var key = c.Arg(1);
        using var write = ks.Lock();
        var existing = get || nx || xx || keepTtl ? ks.ReadLive(key) : KeyType.None;
        if (get && existing is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        bool exists = existing != KeyType.None;
        bool proceed = !(nx && exists) && !(xx && !exists);
        if (get)
        {
            if (exists) c.Output.WriteBulkString(ks.Value.Span);
            else c.Output.WriteNull();
        }
        if (proceed)
            ks.Set(key, c.Arg(2), keepTtl && exists ? ks.Value.ExpireAt : expireAt);
        if (!get)
        {
            if (proceed) c.Output.WriteOk();
            else c.Output.WriteNull();
        }
    }

    private static void SetNx(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (c.Keyspace.Exists(c.Arg(1)))
        {
            c.Output.WriteInteger(0);
            return;
        }
        c.Keyspace.Set(c.Arg(1), c.Arg(2), 0);
        c.Output.WriteInteger(1);
    }

    /// <summary>SETEX key seconds value / PSETEX key milliseconds value</summary>
    private static void SetWithTtl(CommandContext c, ExpiryOption.Kind kind)
    {
        if (!c.TryInt64(2, out long amount))
            return;
        if (!ExpiryOption.TryToAbsolute(kind, amount, Database.NowMs, out long expireAt))
        {
            c.Output.WriteError(Errors.InvalidExpireTime(c.Spec.Name));
            return;
        }
        c.Keyspace.Set(c.Arg(1), c.Arg(3), expireAt);
        c.Output.WriteOk();
    }

    private static void GetSet(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (!WriteCurrentValue(c))
            return;
        c.Keyspace.Set(c.Arg(1), c.Arg(2), 0);
    }

    private static void GetDel(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (WriteCurrentValue(c))
            c.Keyspace.Delete(c.Arg(1));
    }

    /// <summary>GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]</summary>
    private static void GetEx(CommandContext c)
    {
        bool persist = false;
        var kind = ExpiryOption.Kind.None;
        long amount = 0;
        for (int i = 2; i < c.Count; i++)
        {
            var parsed = ExpiryOption.Parse(c.Arg(i));
            if (c.ArgIs(i, "PERSIST"u8) && kind == ExpiryOption.Kind.None && !persist) persist = true;
            else if (parsed != ExpiryOption.Kind.None && kind == ExpiryOption.Kind.None && !persist && i + 1 < c.Count)
            {
                kind = parsed;
                if (!c.TryInt64(++i, out amount))
                    return;
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        long expireAt = 0;
        if (kind != ExpiryOption.Kind.None && !ExpiryOption.TryToAbsolute(kind, amount, Database.NowMs, out expireAt))
        {
            c.Output.WriteError(Errors.InvalidExpireTime("getex"));
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!WriteCurrentValue(c))
            return;
        if (persist && c.Keyspace.Value.ExpireAt != 0)
            c.Keyspace.SetExpiry(c.Arg(1), 0);
        else if (kind != ExpiryOption.Kind.None)
            c.Keyspace.SetExpiry(c.Arg(1), expireAt);
    }

    /// <summary>Replies with the key's current string (or null); false when there was none or it is not a string.</summary>
    private static bool WriteCurrentValue(CommandContext c)
    {
        var type = c.Keyspace.Get(c.Arg(1));
        if (type == KeyType.None)
        {
            c.Output.WriteNull();
            return false;
        }
        if (type != KeyType.String)
        {
            c.Output.WriteError(Errors.WrongType);
            return false;
        }
        c.Output.WriteBulkString(c.Keyspace.Value.Span);
        return true;
    }

    private static void MGet(CommandContext c)
    {
        c.Output.WriteArrayHeader(c.Count - 1);
        for (int i = 1; i < c.Count; i++)
        {
            if (c.Keyspace.Get(c.Arg(i)) == KeyType.String)
                c.Output.WriteBulkString(c.Keyspace.Value.Span);
            else
                c.Output.WriteNull();
        }
    }

    private static void MSet(CommandContext c, bool onlyIfNoneExist)
    {
        if (c.Count % 2 == 0)
        {
            c.WrongArity();
            return;
        }
        using var write = c.Keyspace.Atomic();
        if (onlyIfNoneExist)
        {
            for (int i = 1; i < c.Count; i += 2)
            {
                if (c.Keyspace.Exists(c.Arg(i)))
                {
                    c.Output.WriteInteger(0);
                    return;
                }
            }
        }
        for (int i = 1; i < c.Count; i += 2)
            c.Keyspace.Set(c.Arg(i), c.Arg(i + 1), 0);
        if (onlyIfNoneExist) c.Output.WriteInteger(1);
        else c.Output.WriteOk();
    }

    private static void StrLen(CommandContext c)
    {
        var type = c.Keyspace.Get(c.Arg(1));
        if (type is not (KeyType.None or KeyType.String))
            c.Output.WriteError(Errors.WrongType);
        else
            c.Output.WriteInteger(type == KeyType.None ? 0 : c.Keyspace.Value.Length);
    }

    /// <summary>GETRANGE key start end, with Redis's clamping of negative and oversized indexes.</summary>
    private static void GetRange(CommandContext c)
    {
        if (!c.TryInt64(2, out long start) || !c.TryInt64(3, out long end))
            return;
        var type = c.Keyspace.Get(c.Arg(1));
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        long length = type == KeyType.None ? 0 : c.Keyspace.Value.Length;
        if (start < 0 && end < 0 && start > end)
        {
            c.Output.WriteBulkString(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        if (start > end || length == 0)
            c.Output.WriteBulkString(ReadOnlySpan<byte>.Empty);
        else
            c.Output.WriteBulkString(c.Keyspace.Value.Span.Slice((int)start, (int)(end - start + 1)));
    }
}
