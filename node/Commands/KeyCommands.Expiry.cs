using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>TTL commands: EXPIRE family (with NX XX GT LT), TTL/PTTL, EXPIRETIME/PEXPIRETIME, PERSIST.</summary>
public static partial class KeyCommands
{
    private static void RegisterExpiry(HandlerTable t)
    {
        t.Add("EXPIRE", c => Expire(c, seconds: true, absolute: false));
        t.Add("PEXPIRE", c => Expire(c, seconds: false, absolute: false));
        t.Add("EXPIREAT", c => Expire(c, seconds: true, absolute: true));
        t.Add("PEXPIREAT", c => Expire(c, seconds: false, absolute: true));
        t.Add("TTL", c => Ttl(c, inSeconds: true, absolute: false));
        t.Add("PTTL", c => Ttl(c, inSeconds: false, absolute: false));
        t.Add("EXPIRETIME", c => Ttl(c, inSeconds: true, absolute: true));
        t.Add("PEXPIRETIME", c => Ttl(c, inSeconds: false, absolute: true));
        t.Add("PERSIST", Persist);
    }

    [Flags]
    private enum ExpireCondition { None = 0, Nx = 1, Xx = 2, Gt = 4, Lt = 8 }

    private static void Expire(CommandContext c, bool seconds, bool absolute)
    {
        if (!c.TryInt64(2, out long when) || !TryParseCondition(c, out var condition))
            return;
        long now = Database.NowMs;
        if (seconds && (when > long.MaxValue / 1000 || when < long.MinValue / 1000))
        {
            c.Output.WriteError(Errors.InvalidExpireTime(c.Spec.Name));
            return;
        }
        if (seconds)
            when *= 1000;
        if (!absolute)
        {
            if (when > long.MaxValue - now)
            {
                c.Output.WriteError(Errors.InvalidExpireTime(c.Spec.Name));
                return;
            }
            when += now;
        }
        var ks = c.Keyspace;
        using var write = ks.Lock();
        // Without a condition there is nothing to look at first: a key that can be re-timed in place is.
        if (condition == ExpireCondition.None && ks.TrySetExpiryInPlace(c.Arg(1), when))
        {
            c.Notify(PubSub.NotifyClass.Generic, "expire"u8, c.Arg(1));
            c.Output.WriteInteger(1);
            return;
        }
        if (ks.TypeOf(c.Arg(1), out long current) == KeyType.None)
        {
            c.Output.WriteInteger(0);
            return;
        }
        bool allowed = condition switch
        {
            ExpireCondition.Nx => current == 0,
            ExpireCondition.Xx => current != 0,
            ExpireCondition.Gt => current != 0 && when > current,
            ExpireCondition.Lt => current == 0 || when < current,
            ExpireCondition.Xx | ExpireCondition.Gt => current != 0 && when > current,
            ExpireCondition.Xx | ExpireCondition.Lt => current != 0 && when < current,
            _ => true,
        };
        if (!allowed)
        {
            c.Output.WriteInteger(0);
            return;
        }
        // A time at or before now deletes the key; 0 would mean "no expiry" to the keyspace.
        if (when <= now) ks.Delete(c.Arg(1));
        else ks.RetimeLive(c.Arg(1), when);
        c.Notify(PubSub.NotifyClass.Generic, when <= now ? "del"u8 : "expire"u8, c.Arg(1));
        c.Output.WriteInteger(1);
    }

    private static bool TryParseCondition(CommandContext c, out ExpireCondition condition)
    {
        condition = ExpireCondition.None;
        for (int i = 3; i < c.Count; i++)
        {
            if (c.ArgIs(i, "NX"u8)) condition |= ExpireCondition.Nx;
            else if (c.ArgIs(i, "XX"u8)) condition |= ExpireCondition.Xx;
            else if (c.ArgIs(i, "GT"u8)) condition |= ExpireCondition.Gt;
            else if (c.ArgIs(i, "LT"u8)) condition |= ExpireCondition.Lt;
            else
            {
                c.Output.WriteError($"ERR Unsupported option {c.ArgString(i)}");
                return false;
            }
        }
        if ((condition & ExpireCondition.Nx) != 0 && condition != ExpireCondition.Nx)
        {
            c.Output.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible");
            return false;
        }
        if ((condition & (ExpireCondition.Gt | ExpireCondition.Lt)) == (ExpireCondition.Gt | ExpireCondition.Lt))
        {
            c.Output.WriteError("ERR GT and LT options at the same time are not compatible");
            return false;
        }
        return true;
    }

    /// <summary>-2 for a missing key, -1 without expiry, else the remaining (or absolute) time.</summary>
    private static void Ttl(CommandContext c, bool inSeconds, bool absolute)
    {
        if (c.Keyspace.TypeOf(c.Arg(1), out long expireAt) == KeyType.None)
        {
            c.Output.WriteInteger(-2);
            return;
        }
        if (expireAt == 0)
        {
            c.Output.WriteInteger(-1);
            return;
        }
        long value = absolute ? expireAt : Math.Max(0, expireAt - Database.NowMs);
        c.Output.WriteInteger(!inSeconds ? value : absolute ? value / 1000 : (value + 500) / 1000);
    }

    private static void Persist(CommandContext c)
    {
        using var write = c.Keyspace.Lock();
        bool had = c.Keyspace.TypeOf(c.Arg(1), out long expireAt) != KeyType.None && expireAt != 0;
        if (had)
        {
            c.Keyspace.RetimeLive(c.Arg(1), 0);
            c.Notify(PubSub.NotifyClass.Generic, "persist"u8, c.Arg(1));
        }
        c.Output.WriteInteger(had ? 1 : 0);
    }
}
