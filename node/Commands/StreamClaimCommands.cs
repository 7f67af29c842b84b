using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>
/// XCLAIM and XAUTOCLAIM: pending entries change owner. Each claim is logged as an XCLAIM with its
/// exact delivery time and count (FORCE JUSTID), a pending entry whose stream entry is gone as XACK.
/// </summary>
public static class StreamClaimCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("XCLAIM", Claim);
        t.Add("XAUTOCLAIM", AutoClaim);
    }

    /// <summary>The stream at argument 1 and its group named at argument 2, or false after WRONGTYPE or NOGROUP.</summary>
    private static bool TryOpenGroup(CommandContext c, out StreamValue stream, out StreamGroup group)
    {
        group = null!;
        if (!c.TryRead(1, out StreamValue? found))
        {
            stream = null!;
            return false;
        }
        stream = found!;
        if (found?.FindGroup(c.Arg(2)) is { } existing)
        {
            group = existing;
            return true;
        }
        c.Output.WriteError(StreamArguments.NoGroup(c, 1, 2));
        return false;
    }

    /// <summary>XCLAIM key group consumer min-idle-time id [id …] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]</summary>
    private static void Claim(CommandContext c)
    {
        using var write = c.Keyspace.Atomic();
        if (!TryOpenGroup(c, out var stream, out var group))
            return;
        if (!RedisNumber.TryParseInt64(c.Arg(4), out long minIdle))
        {
            c.Output.WriteError("ERR Invalid min-idle-time argument for XCLAIM");
            return;
        }
        minIdle = Math.Max(minIdle, 0);
        var ids = new List<StreamId>();
        int j = 5;
        for (; j < c.Count && StreamArguments.TryParse(c.Arg(j), strict: true, 0, out var id); j++)
            ids.Add(id);
        long now = Database.NowMs, deliveryTime = -1, retryCount = -1;
        bool force = false, justId = false;
        StreamId lastId = StreamId.Zero;
        for (; j < c.Count; j++)
        {
            bool more = j < c.Count - 1;
            if (c.ArgIs(j, "FORCE"u8))
                force = true;
            else if (c.ArgIs(j, "JUSTID"u8))
                justId = true;
            else if (more && c.ArgIs(j, "IDLE"u8))
            {
                if (!TryOption(c, ++j, "IDLE", out long idle))
                    return;
                deliveryTime = now - idle;
            }
            else if (more && c.ArgIs(j, "TIME"u8))
            {
                if (!TryOption(c, ++j, "TIME", out deliveryTime))
                    return;
            }
            else if (more && c.ArgIs(j, "RETRYCOUNT"u8))
            {
                if (!TryOption(c, ++j, "RETRYCOUNT", out retryCount))
                    return;
            }
            else if (more && c.ArgIs(j, "LASTID"u8))
            {
                if (!StreamArguments.TryStrictId(c, ++j, out lastId))
                    return;
            }
            else
            {
                c.Output.WriteError($"ERR Unrecognized XCLAIM option '{CommandErrors.Truncate(c.ArgString(j))}'");
                return;
            }
        }
        bool moved = false;
        if (lastId > group.LastDelivered)
        {
            group.LastDelivered = lastId;
            moved = true;
        }
        if (deliveryTime < 0 || deliveryTime > now)
            deliveryTime = now;

        var claimed = new List<(StreamId Id, EntryRef Entry)>();
        StreamConsumer? consumer = null;
        bool dropped = false;
        foreach (var id in ids)
        {
            var pending = group.Pending.Find(id);
            if (!stream.TryFind(id, out var entry))
            {
                if (pending is not null)
                {
                    group.Acknowledge(pending);
                    StreamLog.Acknowledged(c.Keyspace, c.Arg(1), group, id);
                    dropped = true;
                }
                continue;
            }
            bool fresh = false;
            if (pending is null)
            {
                if (!force)
                    continue;
                fresh = true;
            }
            else if (minIdle > 0 && now - pending.DeliveryTime < minIdle)
            {
                continue;
            }
            consumer ??= OpenConsumer(c, group, now);
            if (fresh)
            {
                pending = new PendingEntry(id, consumer, deliveryTime, 1);
                group.Pending.Add(pending);
                consumer.Pending.Add(pending);
            }
            else
            {
                StreamGroup.Assign(pending!, consumer);
                pending!.DeliveryTime = deliveryTime;
            }
            // As in Redis, a FORCE-made entry starts at one delivery and the claim counts another unless JUSTID.
            if (retryCount >= 0)
                pending.DeliveryCount = retryCount;
            else if (!justId)
                pending.DeliveryCount++;
            claimed.Add((id, entry));
            StreamLog.Claim(c.Keyspace, c.Arg(1), group, pending);
        }
        // A replayed record carries its delivery's time, which was the consumer's last sight of it.
        if (c.Keyspace.Replaying && consumer is not null)
            consumer.SeenTime = deliveryTime;
        if (moved)
            StreamLog.GroupPosition(c.Keyspace, c.Arg(1), group);
        if (moved || dropped || claimed.Count > 0)
            c.Keyspace.ObjectChanged(c.Arg(1), stream);
        c.Output.WriteArrayHeader(claimed.Count);
        foreach (var (id, entry) in claimed)
        {
            if (justId) StreamReply.WriteId(c.Output, id);
            else StreamReply.WriteEntry(c.Output, entry);
        }
    }

    private static bool TryOption(CommandContext c, int index, string option, out long value)
    {
        if (RedisNumber.TryParseInt64(c.Arg(index), out value))
            return true;
        c.Output.WriteError($"ERR Invalid {option} option argument for XCLAIM");
        return false;
    }

    private static StreamConsumer OpenConsumer(CommandContext c, StreamGroup group, long now)
    {
        var consumer = group.OpenConsumer(c.Arg(3), now, out bool created);
        consumer.SeenTime = now;
        if (created)
            StreamLog.ConsumerCreated(c.Keyspace, c.Arg(1), group, consumer);
        return consumer;
    }

    /// <summary>XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]: [next cursor, claimed, deleted IDs].</summary>
    private static void AutoClaim(CommandContext c)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(4), out long minIdle))
        {
            c.Output.WriteError("ERR Invalid min-idle-time argument for XAUTOCLAIM");
            return;
        }
        minIdle = Math.Max(minIdle, 0);
        if (!StreamArguments.TryIntervalBound(c, 5, isEnd: false, out var start))
            return;
        long count = 100;
        bool justId = false;
        for (int j = 6; j < c.Count; j++)
        {
            if (c.ArgIs(j, "COUNT"u8) && j < c.Count - 1)
            {
                if (!RedisNumber.TryParseInt64(c.Arg(++j), out count) || count < 1 || count > long.MaxValue / 16)
                {
                    c.Output.WriteError("ERR COUNT must be > 0");
                    return;
                }
            }
            else if (c.ArgIs(j, "JUSTID"u8))
                justId = true;
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        using var write = c.Keyspace.Atomic();
        if (!TryOpenGroup(c, out var stream, out var group))
            return;
        long now = Database.NowMs;
        long attempts = count * 10;
        var claimed = new List<(StreamId Id, EntryRef Entry)>();
        var deleted = new List<StreamId>();
        StreamConsumer? consumer = null;
        var next = StreamId.Zero;
        var walk = group.Pending.From(start).Take((int)Math.Min(attempts + 1, int.MaxValue)).ToList();
        int position = 0;
        for (; position < walk.Count && attempts > 0 && count > 0; position++)
        {
            attempts--;
            var pending = walk[position];
            if (!stream.TryFind(pending.Id, out var entry))
            {
                group.Acknowledge(pending);
                StreamLog.Acknowledged(c.Keyspace, c.Arg(1), group, pending.Id);
                deleted.Add(pending.Id);
                count--;
                continue;
            }
            if (minIdle > 0 && now - pending.DeliveryTime < minIdle)
                continue;
            consumer ??= OpenConsumer(c, group, now);
            StreamGroup.Assign(pending, consumer);
            pending.DeliveryTime = now;
            if (!justId)
                pending.DeliveryCount++;
            claimed.Add((pending.Id, entry));
            count--;
            StreamLog.Claim(c.Keyspace, c.Arg(1), group, pending);
        }
        if (position < walk.Count)
            next = walk[position].Id;
        if (claimed.Count > 0 || deleted.Count > 0)
            c.Keyspace.ObjectChanged(c.Arg(1), stream);
        c.Output.WriteArrayHeader(3);
        StreamReply.WriteId(c.Output, next);
        c.Output.WriteArrayHeader(claimed.Count);
        foreach (var (id, entry) in claimed)
        {
            if (justId) StreamReply.WriteId(c.Output, id);
            else StreamReply.WriteEntry(c.Output, entry);
        }
        c.Output.WriteArrayHeader(deleted.Count);
        foreach (var id in deleted)
            StreamReply.WriteId(c.Output, id);
    }
}
