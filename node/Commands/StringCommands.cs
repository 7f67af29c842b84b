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

    private static void Get(CommandContext c) => WriteCurrentValue(c);

    /// <summary>SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]</summary>
    private static void Set(CommandContext c)
    {
        bool nx = false, xx = false, get = false, keepTtl = false;
        var expiryKind = ExpiryOption.Kind.None;
        int expiryArg = 0;
        for (int i = 3; i < c.Count; i++)
        {
            var kind = ExpiryOption.Parse(c.Arg(i));
            if (c.ArgIs(i, "NX"u8) && !xx) nx = true;
            else if (c.ArgIs(i, "XX"u8) && !nx) xx = true;
            else if (c.ArgIs(i, "GET"u8)) get = true;
            else if (c.ArgIs(i, "KEEPTTL"u8) && expiryKind == ExpiryOption.Kind.None) keepTtl = true;
            // As Redis: the same expiry option may repeat (the last amount wins), two different ones may not.
            else if (kind != ExpiryOption.Kind.None && (expiryKind == ExpiryOption.Kind.None || expiryKind == kind) && !keepTtl && i + 1 < c.Count)
            {
                expiryKind = kind;
                expiryArg = ++i;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        // The amount is checked only once every option parsed, so a syntax error wins over a bad number.
        long expireAt = 0;
        if (expiryKind != ExpiryOption.Kind.None && !ExpiryOption.TryRead(c, expiryKind, expiryArg, out expireAt))
            return;
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
        {
            ks.Set(key, c.Arg(2), keepTtl && exists ? ks.Value.ExpireAt : expireAt);
            c.Notify(PubSub.NotifyClass.String, "set"u8, key);
            if (expiryKind != ExpiryOption.Kind.None)
                c.Notify(PubSub.NotifyClass.Generic, "expire"u8, key);
        }
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
        c.Notify(PubSub.NotifyClass.String, "set"u8, c.Arg(1));
        c.Output.WriteInteger(1);
    }

    /// <summary>SETEX key seconds value / PSETEX key milliseconds value</summary>
    private static void SetWithTtl(CommandContext c, ExpiryOption.Kind kind)
    {
        if (!ExpiryOption.TryRead(c, kind, 2, out long expireAt))
            return;
        c.Keyspace.Set(c.Arg(1), c.Arg(3), expireAt);
        c.Notify(PubSub.NotifyClass.String, "set"u8, c.Arg(1));
        c.Notify(PubSub.NotifyClass.Generic, "expire"u8, c.Arg(1));
        c.Output.WriteOk();
    }

    private static void GetSet(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (WriteCurrentValue(c) is KeyType.None or KeyType.String)
        {
            c.Keyspace.Set(c.Arg(1), c.Arg(2), 0);
            c.Notify(PubSub.NotifyClass.String, "set"u8, c.Arg(1));
        }
    }

    private static void GetDel(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        if (WriteCurrentValue(c) == KeyType.String)
        {
            c.Keyspace.Delete(c.Arg(1));
            c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(1));
        }
    }

    /// <summary>GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]</summary>
    private static void GetEx(CommandContext c)
    {
        bool persist = false;
        var kind = ExpiryOption.Kind.None;
        int amountArg = 0;
        for (int i = 2; i < c.Count; i++)
        {
            var parsed = ExpiryOption.Parse(c.Arg(i));
            // As Redis: an option may repeat (the last amount wins), but PERSIST and the expiry options exclude each other.
            if (c.ArgIs(i, "PERSIST"u8) && kind == ExpiryOption.Kind.None) persist = true;
            else if (parsed != ExpiryOption.Kind.None && (kind == ExpiryOption.Kind.None || kind == parsed) && !persist && i + 1 < c.Count)
            {
                kind = parsed;
                amountArg = ++i;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var type = ks.Get(c.Arg(1));
        // Redis looks the key up before it reads the amount: a missing key answers null even to "EX abc".
        if (type == KeyType.None)
        {
            c.Output.WriteNull();
            return;
        }
        if (type != KeyType.String)
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        long expireAt = 0;
        if (kind != ExpiryOption.Kind.None && !ExpiryOption.TryRead(c, kind, amountArg, out expireAt))
            return;
        c.Output.WriteBulkString(ks.Value.Span);
        if (persist && ks.Value.ExpireAt != 0)
        {
            ks.RetimeLive(c.Arg(1), 0);
            c.Notify(PubSub.NotifyClass.Generic, "persist"u8, c.Arg(1));
        }
        else if (kind is ExpiryOption.Kind.Ex or ExpiryOption.Kind.Px)
        {
            ks.RetimeLive(c.Arg(1), expireAt);   // a positive time from now is never past, however slowly this ran
            c.Notify(PubSub.NotifyClass.Generic, "expire"u8, c.Arg(1));
        }
        else if (kind != ExpiryOption.Kind.None)
        {
            ks.SetExpiry(c.Arg(1), expireAt);
            c.Notify(PubSub.NotifyClass.Generic, expireAt <= Keyspace.Database.NowMs ? "del"u8 : "expire"u8, c.Arg(1));
        }
    }

    /// <summary>Replies with the key's current string (null when missing, WRONGTYPE when not a string) and returns its type.</summary>
    private static KeyType WriteCurrentValue(CommandContext c)
    {
        var type = c.Keyspace.Get(c.Arg(1));
        if (type == KeyType.None)
            c.Output.WriteNull();
        else if (type != KeyType.String)
            c.Output.WriteError(Errors.WrongType);
        else
            c.Output.WriteBulkString(c.Keyspace.Value.Span);
        return type;
    }

    private static void MGet(CommandContext c) => SeveralKeyRead.Run(c, ReadEach);

    private static void ReadEach(CommandContext c)
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
        for (int i = 1; i < c.Count; i += 2)
            c.Keyspace.EnsureFits(c.Arg(i), c.Arg(i + 1).Length);
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
        {
            c.Keyspace.Set(c.Arg(i), c.Arg(i + 1), 0);
            c.Notify(PubSub.NotifyClass.String, "set"u8, c.Arg(i));
        }
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
