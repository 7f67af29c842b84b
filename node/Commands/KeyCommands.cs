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
        t.Add("EXISTS", c => CountExisting(c, touch: false));
        t.Add("TOUCH", c => CountExisting(c, touch: true));
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
                // A key past its expiry (active expiry off, or not yet reached) expires first, so it is not counted, as Redis.
                if (c.Keyspace.Exists(c.Arg(i)) && c.Keyspace.Delete(c.Arg(i)))
                {
                    c.Notify(PubSub.NotifyClass.Generic, "del"u8, c.Arg(i));
                    deleted++;
                }
        c.Output.WriteInteger(deleted);
    }

    /// <summary>EXISTS leaves keys' access times alone (as Redis's does); TOUCH is there to use them.</summary>
    private static void CountExisting(CommandContext c, bool touch) => SeveralKeyRead.Run(c, touch ? CountAndTouch : Count);

    private static void CountAndTouch(CommandContext c) => CountLive(c, touch: true);

    private static void Count(CommandContext c) => CountLive(c, touch: false);

    private static void CountLive(CommandContext c, bool touch)
    {
        long found = 0;
        for (int i = 1; i < c.Count; i++)
        {
            if (!c.Keyspace.Exists(c.Arg(i)))
                continue;
            found++;
            if (touch)
                c.Keyspace.Touch(c.Arg(i));
        }
        c.Output.WriteInteger(found);
    }

    private static void Type(CommandContext c) =>
        c.Output.WriteSimpleString(c.Keyspace.TypeOf(c.Arg(1), out _).Name());

    private static void Rename(CommandContext c, bool onlyIfTargetMissing)
    {
        var ks = c.Keyspace;
        using var write = ks.Atomic();
        var type = ks.ReadObject(c.Arg(1), out var collection);
        if (type == KeyType.None)
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
        if (collection is not null)
        {
            // A collection moves as an object; the log says RENAME (replayed by this handler), not a copy of its elements.
            // Stored under its new key before the old one lets go, so it is never held by no key (a ranklist would release its members).
            long expireAt = ks.ExpiryOf(c.Arg(1));
            ks.StoreObject(c.Arg(2), collection, expireAt);
            ks.DeleteUnlogged(c.Arg(1));
            LogKeyPair(ks, "RENAME"u8, c.Arg(1), c.Arg(2), replace: false);
        }
        else
        {
            ks.ReadLive(c.Arg(1));
            var value = ks.Value.Span.ToArray();
            long expireAt = ks.Value.ExpireAt;
            ks.Delete(c.Arg(1));
            ks.Set(c.Arg(2), value, expireAt);
        }
        c.Notify(PubSub.NotifyClass.Generic, "rename_from"u8, c.Arg(1));
        c.Notify(PubSub.NotifyClass.Generic, "rename_to"u8, c.Arg(2));
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
                c.Output.WriteError(CommandErrors.Syntax);
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
        var type = ks.ReadObject(c.Arg(1), out var collection);
        if (type == KeyType.None || (!replace && ks.Exists(c.Arg(2))))
        {
            c.Output.WriteInteger(0);
            return;
        }
        if (collection is not null)
        {
            ks.StoreObject(c.Arg(2), collection.Clone(), ks.ExpiryOf(c.Arg(1)));
            LogKeyPair(ks, "COPY"u8, c.Arg(1), c.Arg(2), replace: true);
        }
        else
        {
            ks.ReadLive(c.Arg(1));
            ks.Set(c.Arg(2), ks.Value.Span.ToArray(), ks.Value.ExpireAt);
        }
        c.Notify(PubSub.NotifyClass.Generic, "copy_to"u8, c.Arg(2));
        c.Output.WriteInteger(1);
    }

    /// <summary>
    /// Logs RENAME or COPY of a collection. COPY always says REPLACE: the destination was free when
    /// it ran, but on replay a string snapshot taken later may already hold a key there.
    /// </summary>
    private static void LogKeyPair(KeyspaceSession ks, ReadOnlySpan<byte> command, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool replace)
    {
        using var log = ks.BeginRecord(replace ? 4 : 3);
        log.Arg(command);
        log.Arg(source);
        log.Arg(destination);
        if (replace)
            log.Arg("REPLACE"u8);
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
        if (!ScanArguments.TryParse(c, 1, allowType: true, out var scan))
            return;
        var keys = new List<byte[]>();
        long next = c.Keyspace.Scan((long)Math.Min(scan.Cursor, long.MaxValue), scan.Count, scan.Pattern, scan.Type, keys);
        c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(next);
        c.Output.WriteArrayHeader(keys.Count);
        foreach (var key in keys)
            c.Output.WriteBulkString(key);
    }

    private static void RandomKey(CommandContext c)
    {
        var key = c.Keyspace.RandomKey();
        if (key is null) c.Output.WriteNull();
        else c.Output.WriteBulkString(key);
    }
}
