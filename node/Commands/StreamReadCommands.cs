using Istore.Net.Resp;
using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>
/// XREAD and XREADGROUP, served at once when they can, otherwise blocked (BLOCK) until an XADD makes
/// one of their streams ready, as the list blocking commands are. A group read changes the group
/// (its position, PEL and consumers) and logs those changes, never itself (see <see cref="StreamLog"/>).
/// </summary>
public static class StreamReadCommands
{
    /// <summary>The COUNT a blocked read gets when none was given (Redis's XREAD_BLOCKED_DEFAULT_COUNT).</summary>
    private const long BlockedDefaultCount = 1000;

    public static void Register(HandlerTable t)
    {
        t.Add("XREAD", c => Read(c, grouped: false));
        t.Add("XREADGROUP", c => Read(c, grouped: true));
    }

    /// <summary>One XREAD/XREADGROUP as parsed; keys and IDs are filled under the lock.</summary>
    private sealed class ReadRequest
    {
        public byte[]? Group;
        public byte[]? Consumer;
        public long Count;
        public bool Blocks;
        public long DeadlineMs;
        public bool NoAck;
        public int StreamsAt;
        public int Streams;
    }

    private static bool TryParse(CommandContext c, bool grouped, out ReadRequest request)
    {
        request = new ReadRequest();
        for (int i = 1; i < c.Count; i++)
        {
            int more = c.Count - i - 1;
            if (more > 0 && c.ArgIs(i, "BLOCK"u8))
            {
                if (!TryParseBlock(c, ++i, out request.DeadlineMs))
                    return false;
                request.Blocks = true;
            }
            else if (more > 0 && c.ArgIs(i, "COUNT"u8))
            {
                if (!c.TryInt64(++i, out request.Count))
                    return false;
                request.Count = Math.Max(request.Count, 0);
            }
            else if (more > 0 && c.ArgIs(i, "STREAMS"u8))
            {
                request.StreamsAt = i + 1;
                if (more % 2 != 0)
                {
                    c.Output.WriteError($"ERR Unbalanced {(grouped ? "XREADGROUP" : "XREAD")} list of streams: for each stream key an ID or '{(grouped ? '>' : '$')}' must be specified.");
                    return false;
                }
                request.Streams = more / 2;
                break;
            }
            else if (more >= 2 && c.ArgIs(i, "GROUP"u8))
            {
                if (!grouped)
                {
                    c.Output.WriteError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return false;
                }
                request.Group = c.Arg(i + 1).ToArray();
                request.Consumer = c.Arg(i + 2).ToArray();
                i += 2;
            }
            else if (c.ArgIs(i, "NOACK"u8))
            {
                if (!grouped)
                {
                    c.Output.WriteError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return false;
                }
                request.NoAck = true;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        if (request.StreamsAt == 0)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return false;
        }
        if (grouped && request.Group is null)
        {
            c.Output.WriteError("ERR Missing GROUP option for XREADGROUP");
            return false;
        }
        return true;
    }

    /// <summary>BLOCK milliseconds: 0 waits forever; the deadline in Unix ms (0 = none).</summary>
    private static bool TryParseBlock(CommandContext c, int index, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!RedisNumber.TryParseInt64(c.Arg(index), out long ms))
        {
            c.Output.WriteError("ERR timeout is not an integer or out of range");
            return false;
        }
        if (ms < 0)
        {
            c.Output.WriteError("ERR timeout is negative");
            return false;
        }
        long now = Database.NowMs;
        if (ms > long.MaxValue - now)
        {
            c.Output.WriteError("ERR timeout is out of range");
            return false;
        }
        deadlineMs = ms == 0 ? 0 : now + ms;
        return true;
    }

    private static void Read(CommandContext c, bool grouped)
    {
        if (!TryParse(c, grouped, out var request))
            return;
        int n = request.Streams;
        var streams = new StreamValue?[n];
        var groups = new StreamGroup?[n];
        var after = new StreamId[n];
        using var write = c.Keyspace.Atomic();
        for (int i = 0; i < n; i++)
        {
            int keyAt = request.StreamsAt + i;
            if (!c.TryRead(keyAt, out streams[i]))
                return;
            if (grouped && (streams[i] is null || (groups[i] = streams[i]!.FindGroup(request.Group)) is null))
            {
                c.Output.WriteError($"NOGROUP No such key '{c.ArgString(keyAt)}' or consumer group '{CommandErrors.Truncate(System.Text.Encoding.UTF8.GetString(request.Group!))}' in XREADGROUP with GROUP option");
                return;
            }
            var text = c.Arg(keyAt + n);
            if (text is [(byte)'$'])
            {
                if (grouped)
                {
                    c.Output.WriteError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
                    return;
                }
                after[i] = streams[i]?.LastId ?? StreamId.Zero;
            }
            else if (text is [(byte)'>'])
            {
                if (!grouped)
                {
                    c.Output.WriteError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
                    return;
                }
                after[i] = StreamId.Max;
            }
            else if (!StreamArguments.TryStrictId(c, keyAt + n, out after[i]))
            {
                return;
            }
        }

        // Keys are served in order, each seeing what serving the ones before it changed (a key named
        // twice in one XREADGROUP is served once), so the replies gather in a scratch writer until
        // their number is known.
        long now = Database.NowMs;
        var served = new RespWriter(256) { Protocol = c.Output.Protocol };
        int servedKeys = 0;
        for (int i = 0; i < n; i++)
        {
            var stream = streams[i];
            if (stream is null)
                continue;
            StreamConsumer? consumer = null;
            var key = c.Arg(request.StreamsAt + i);
            bool history = false;
            if (groups[i] is { } group)
            {
                history = after[i] != StreamId.Max;
                if (!history)
                {
                    if (!HasEntriesAfter(stream, group.LastDelivered))
                        continue;
                    after[i] = group.LastDelivered;
                }
                consumer = OpenConsumer(c.Keyspace, key, group, request.Consumer!, now);
            }
            else if (!HasEntriesAfter(stream, after[i]))
            {
                continue;
            }
            servedKeys++;
            WriteKeyHeader(served, key);
            ServeKey(c.Keyspace, served, key, stream, after[i], groups[i], consumer, history, request.Count, request.NoAck, now);
        }
        if (servedKeys > 0)
        {
            WriteOuterHeader(c.Output, servedKeys);
            c.Output.WriteRaw(served.WrittenSpan);
            return;
        }
        if (!request.Blocks || c.Client.InTransaction)
        {
            c.Output.WriteNullArray();
            return;
        }
        Block(c, request, after);
    }

    /// <summary>Whether a live entry follows <paramref name="id"/>; the last generated ID answers most calls without a walk.</summary>
    private static bool HasEntriesAfter(StreamValue stream, StreamId id) => stream.Count > 0 && stream.LastId > id && stream.LastLiveId() > id;

    private static StreamConsumer OpenConsumer(KeyspaceSession session, ReadOnlySpan<byte> key, StreamGroup group, byte[] name, long now)
    {
        var consumer = group.OpenConsumer(name, now, out bool created);
        consumer.SeenTime = now;
        if (created)
            StreamLog.ConsumerCreated(session, key, group, consumer);
        return consumer;
    }

    /// <summary>An array of [key, entries] pairs in RESP2, a map of key → entries in RESP3.</summary>
    private static void WriteOuterHeader(RespWriter output, int keys)
    {
        if (output.IsResp3) output.WriteMapHeader(keys);
        else output.WriteArrayHeader(keys);
    }

    private static void WriteKeyHeader(RespWriter output, ReadOnlySpan<byte> key)
    {
        if (!output.IsResp3)
            output.WriteArrayHeader(2);
        output.WriteBulkString(key);
    }

    /// <summary>
    /// Writes one stream's entries after <paramref name="after"/>: for a group's history, the
    /// consumer's pending entries (a deleted one as [id, nil]), delivered again; otherwise new
    /// entries, which a group delivers (PEL unless NOACK) and logs.
    /// </summary>
    private static void ServeKey(KeyspaceSession session, RespWriter output, ReadOnlySpan<byte> key, StreamValue stream, StreamId after,
        StreamGroup? group, StreamConsumer? consumer, bool history, long count, bool noAck, long now)
    {
        if (!after.TryIncrement(out var start))
        {
            output.WriteArrayHeader(0);
            return;
        }
        if (history)
        {
            var pending = new List<PendingEntry>();
            foreach (var entry in consumer!.Pending.From(start))
            {
                pending.Add(entry);
                if (count > 0 && pending.Count >= count)
                    break;
            }
            output.WriteArrayHeader(pending.Count);
            foreach (var entry in pending)
            {
                if (stream.TryFind(entry.Id, out var found))
                {
                    StreamReply.WriteEntry(output, found);
                    entry.DeliveryTime = now;
                    entry.DeliveryCount++;
                    StreamLog.Claim(session, key, group!, entry);
                }
                else
                {
                    output.WriteArrayHeader(2);
                    StreamReply.WriteId(output, entry.Id);
                    output.WriteNullArray();
                }
            }
            return;
        }
        var entries = StreamReply.Take(stream.Forward(start, StreamId.Max), count);
        output.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
        {
            StreamReply.WriteEntry(output, entry);
            if (group is null)
                continue;
            stream.Deliver(group, entry.Id);
            if (noAck)
                continue;
            var pending = group.Pending.Find(entry.Id);
            if (pending is null)
            {
                pending = new PendingEntry(entry.Id, consumer!, now, 1);
                group.Pending.Add(pending);
                consumer!.Pending.Add(pending);
            }
            else
            {
                StreamGroup.Assign(pending, consumer!);
                pending.DeliveryTime = now;
                pending.DeliveryCount = 1;
            }
            StreamLog.Claim(session, key, group, pending);
        }
        if (group is not null && entries.Count > 0)
            StreamLog.GroupPosition(session, key, group);
    }

    /// <summary>Waits for an XADD on any of the keys; the reply is rendered when served, in the client's protocol.</summary>
    private static void Block(CommandContext c, ReadRequest request, StreamId[] after)
    {
        var keys = Blocking.CopyArgs(c, request.StreamsAt, request.StreamsAt + request.Streams - 1);
        int protocol = c.Output.Protocol;
        long count = request.Count > 0 ? request.Count : BlockedDefaultCount;
        ServeAttempt attempt = (session, key) =>
        {
            int i = Array.FindIndex(keys, k => k.AsSpan().SequenceEqual(key));
            if (session.ReadObject(key, out var stored) == Engine.KeyType.None || stored is not StreamValue stream)
            {
                // A group reader cannot be served by a stream made anew (its group went with the old one).
                return request.Group is null ? null : static o => o.WriteError("UNBLOCKED the stream key no longer exists");
            }
            StreamGroup? group = null;
            StreamConsumer? consumer = null;
            var from = after[i];
            long now = Database.NowMs;
            if (request.Group is not null)
            {
                group = stream.FindGroup(request.Group);
                if (group is null)
                    return static o => o.WriteError("NOGROUP the consumer group this client was blocked on no longer exists");
                from = group.LastDelivered;
                if (!HasEntriesAfter(stream, from))
                    return null;
                consumer = OpenConsumer(session, key, group, request.Consumer!, now);
            }
            else if (!HasEntriesAfter(stream, from))
            {
                return null;
            }
            var rendered = new RespWriter(256) { Protocol = protocol };
            WriteOuterHeader(rendered, 1);
            WriteKeyHeader(rendered, key);
            ServeKey(session, rendered, key, stream, from, group, consumer, history: false, count, request.NoAck, now);
            var reply = rendered.WrittenSpan.ToArray();
            return o => o.WriteRaw(reply);
        };
        Blocking.Block(c, keys, attempt, static o => o.WriteNullArray(), request.DeadlineMs);
    }
}
