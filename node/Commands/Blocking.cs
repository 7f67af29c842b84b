using Istore.Node.Engine;
using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>What every blocking command does: parse its timeout, serve at once when it can, otherwise block the client.</summary>
public static class Blocking
{
    /// <summary>
    /// Redis's timeout argument: seconds as a float, 0 = forever. The deadline in Unix ms (0 for
    /// forever), or false after Redis's error reply.
    /// </summary>
    public static bool TryParseTimeout(CommandContext c, int index, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!RedisNumber.TryParseDouble(c.Arg(index), out double seconds))
        {
            c.Output.WriteError("ERR timeout is not a float or out of range");
            return false;
        }
        double ms = Math.Ceiling(seconds * 1000);
        long now = Database.NowMs;
        if (ms >= long.MaxValue || (ms > 0 && (long)ms > long.MaxValue - now))
        {
            c.Output.WriteError("ERR timeout is out of range");
            return false;
        }
        if (ms < 0)
        {
            c.Output.WriteError("ERR timeout is negative");
            return false;
        }
        deadlineMs = ms == 0 ? 0 : now + (long)ms;
        return true;
    }

    /// <summary>
    /// Serves the command from the first of <paramref name="keys"/> holding a <typeparamref name="T"/>
    /// (WRONGTYPE at the first key holding something else, as Redis checks them in order), or
    /// blocks the client until a write makes one ready or its deadline passes (then it answers
    /// <paramref name="timedOut"/>). Where it may not block (inside EXEC) it answers
    /// <paramref name="denied"/>, or <paramref name="timedOut"/> when that is not given.
    /// </summary>
    public static void ServeOrBlock<T>(CommandContext c, byte[][] keys, ServeAttempt attempt,
        Action<Istore.Net.Resp.RespWriter> timedOut, long deadlineMs, Action<Istore.Net.Resp.RespWriter>? denied = null) where T : StoredObject
    {
        using var write = c.Keyspace.Lock();
        foreach (var key in keys)
        {
            var type = c.Keyspace.ReadObject(key, out var stored);
            if (type == KeyType.None)
                continue;
            if (stored is not T)
            {
                c.Output.WriteError(Errors.WrongType);
                return;
            }
            // A collection that exists is never empty, so the attempt always answers here.
            attempt(c.Keyspace, key)!(c.Output);
            return;
        }
        if (c.Client.InTransaction)
        {
            (denied ?? timedOut)(c.Output);
            return;
        }
        Block(c, keys, attempt, timedOut, deadlineMs);
    }

    /// <summary>Blocks the client of <paramref name="c"/> on <paramref name="keys"/> (the caller holds the write lock).</summary>
    public static void Block(CommandContext c, byte[][] keys, ServeAttempt attempt, Action<Istore.Net.Resp.RespWriter> timedOut, long deadlineMs)
    {
        c.Keyspace.Database.BlockedClients.Add(new BlockedClient(c.Connection, keys, attempt, timedOut)
        {
            DeadlineMs = deadlineMs,
            SlowLog = Admin.BlockedSlowLog.For(c),
            Stats = new Admin.BlockedCallStats(c.Stats, c.Spec, System.Diagnostics.Stopwatch.GetTimestamp() - c.StartedTicks, c.Node.Stats),
        });
        c.AnsweredLater = true;
        c.Connection.Suspend();
    }

    /// <summary>Copies arguments first..last (keys outlive the command's receive buffer while blocked).</summary>
    public static byte[][] CopyArgs(CommandContext c, int first, int last)
    {
        var keys = new byte[last - first + 1][];
        for (int i = first; i <= last; i++)
            keys[i - first] = c.Arg(i).ToArray();
        return keys;
    }
}
