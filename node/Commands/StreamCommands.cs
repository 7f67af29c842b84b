using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>
/// XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID on a <see cref="StreamValue"/>. Writes are
/// logged deterministically: XADD with the ID it assigned, and any trim as the exact MAXLEN it
/// left, so replay and replicas rebuild the same entries whatever the node layout.
/// </summary>
public static class StreamCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("XADD", Add);
        t.Add("XLEN", Length);
        t.Add("XRANGE", c => Range(c, reverse: false));
        t.Add("XREVRANGE", c => Range(c, reverse: true));
        t.Add("XDEL", Delete);
        t.Add("XTRIM", Trim);
        t.Add("XSETID", SetId);
        StreamReadCommands.Register(t);
        StreamGroupCommands.Register(t);
        StreamClaimCommands.Register(t);
        StreamInfoCommand.Register(t);
    }

    /// <summary>XADD's and XTRIM's options as parsed.</summary>
    private struct AddOptions
    {
        public TrimSpec? Trim;
        public bool NoMakeStream;
        public int IdIndex;
        public bool IdGiven;
        public bool SeqGiven;
        public StreamId Id;
    }

    /// <summary>Redis's streamParseAddOrTrimArgsOrReply, from argument 2: false after its error reply.</summary>
    private static bool TryParseOptions(CommandContext c, bool xadd, out AddOptions options)
    {
        options = default;
        bool byLength = false, strategy = false, approximate = false, limitGiven = false;
        long maxLength = 0, limit = 0;
        StreamId minId = default;
        int i = 2;
        for (; i < c.Count; i++)
        {
            bool more = i < c.Count - 1;
            if (xadd && c.Arg(i) is [(byte)'*'])
                break;
            if (more && (c.ArgIs(i, "MAXLEN"u8) || c.ArgIs(i, "MINID"u8)))
            {
                if (strategy)
                {
                    c.Output.WriteError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return false;
                }
                strategy = true;
                byLength = c.ArgIs(i, "MAXLEN"u8);
                approximate = false;
                if (i < c.Count - 2 && c.Arg(i + 1) is [(byte)'~' or (byte)'='] mark)
                {
                    approximate = mark[0] == (byte)'~';
                    i++;
                }
                if (byLength)
                {
                    if (!c.TryInt64(i + 1, out maxLength))
                        return false;
                    if (maxLength < 0)
                    {
                        c.Output.WriteError("ERR The MAXLEN argument must be >= 0.");
                        return false;
                    }
                }
                else if (!StreamArguments.TryStrictId(c, i + 1, out minId))
                {
                    return false;
                }
                i++;
            }
            else if (more && c.ArgIs(i, "LIMIT"u8))
            {
                if (!c.TryInt64(i + 1, out limit))
                    return false;
                if (limit < 0)
                {
                    c.Output.WriteError("ERR The LIMIT argument must be >= 0.");
                    return false;
                }
                limitGiven = true;
                i++;
            }
            else if (xadd && c.ArgIs(i, "NOMKSTREAM"u8))
            {
                options.NoMakeStream = true;
            }
            else if (xadd)
            {
                var text = c.Arg(i);
                bool autoSeq = text.Length > 2 && text.EndsWith("-*"u8);
                if (!StreamArguments.TryParse(autoSeq ? text[..^2] : text, strict: true, 0, out options.Id) || (autoSeq && text[..^2].Contains((byte)'-')))
                {
                    c.Output.WriteError(StreamArguments.InvalidId);
                    return false;
                }
                options.IdGiven = true;
                options.SeqGiven = !autoSeq;
                break;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        options.IdIndex = i;
        if (limitGiven && limit != 0 && !strategy)
        {
            c.Output.WriteError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return false;
        }
        if (!xadd && !strategy)
        {
            c.Output.WriteError("ERR syntax error, XTRIM must be called with a trimming strategy");
            return false;
        }
        if (c.Keyspace.Replaying)
            limit = 0;
        else if (limitGiven && !approximate)
        {
            c.Output.WriteError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            return false;
        }
        else if (!limitGiven)
            limit = approximate ? StreamLimits.DefaultApproximateLimit : 0;
        if (strategy)
            options.Trim = new TrimSpec(byLength, maxLength, minId, approximate, limit);
        return true;
    }

    /// <summary>XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value …]</summary>
    private static void Add(CommandContext c)
    {
        if (!TryParseOptions(c, xadd: true, out var options))
            return;
        int firstField = options.IdIndex + 1;
        int rest = c.Count - firstField;
        if (rest < 2 || rest % 2 != 0)
        {
            c.WrongArity();
            return;
        }
        if (options.IdGiven && options.SeqGiven && options.Id.IsZero)
        {
            c.Output.WriteError("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        if (stream is null && options.NoMakeStream)
        {
            c.Output.WriteNull();
            return;
        }
        StreamValue target = stream ?? new StreamObject();
        if (target.LastId == StreamId.Max)
        {
            c.Output.WriteError("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        if (!TryAssignId(target, options, out var id))
        {
            // Redis words the exhausted sequence of an ms-* ID this way.
            c.Output.WriteError(options.IdGiven && !options.SeqGiven && target.LastId.Ms == options.Id.Ms
                ? "ERR Elements are too large to be stored"
                : "ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        // Stored before it fills: the engine may hold it in a form of its own (a disk engine's view).
        if (stream is null)
            target = (StreamValue)c.Keyspace.StoreObject(c.Arg(1), target);
        target.Append(id, new ArgumentPairs(c.Args, firstField, rest / 2));
        c.Notify(PubSub.NotifyClass.Stream, "xadd"u8, c.Arg(1));
        if (options.Trim is { } trim && target.Trim(trim) > 0)
            c.Notify(PubSub.NotifyClass.Stream, "xtrim"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), target);
        LogAdd(c, id, target, options.Trim is not null, firstField);
        StreamReply.WriteId(c.Output, id);
    }

    private static bool TryAssignId(StreamValue stream, AddOptions options, out StreamId id)
    {
        if (!options.IdGiven)
            id = stream.NextId(Database.NowMs);
        else if (options.SeqGiven)
            id = options.Id;
        else if (stream.LastId.Ms == options.Id.Ms)
        {
            if (stream.LastId.Seq == ulong.MaxValue)
            {
                id = default;
                return false;
            }
            id = new StreamId(stream.LastId.Ms, stream.LastId.Seq + 1);
        }
        else
            id = new StreamId(options.Id.Ms, 0);
        return id > stream.LastId;
    }

    /// <summary>Logs XADD key [MAXLEN = length] id field value …: the ID assigned, and the length any trim left.</summary>
    private static void LogAdd(CommandContext c, StreamId id, StreamValue stream, bool trimmed, int firstField)
    {
        int pairsArgs = c.Count - firstField;
        using var log = c.Keyspace.BeginRecord(3 + (trimmed ? 3 : 0) + pairsArgs);
        log.Arg("XADD"u8);
        log.Arg(c.Arg(1));
        if (trimmed)
            LogExactLength(log, stream);
        Span<byte> text = stackalloc byte[StreamId.MaxFormattedLength];
        log.Arg(text[..id.Format(text)]);
        for (int i = firstField; i < c.Count; i++)
            log.Arg(c.Arg(i));
    }

    private static void LogExactLength(KeyspaceSession.RecordScope log, StreamValue stream)
    {
        log.Arg("MAXLEN"u8);
        log.Arg("="u8);
        log.Arg(stream.Count);
    }

    private static void Length(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out StreamValue? stream))
            c.Output.WriteInteger(stream?.Count ?? 0);
    }

    /// <summary>XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]; "(" bounds are exclusive.</summary>
    private static void Range(CommandContext c, bool reverse)
    {
        if (!StreamArguments.TryIntervalBound(c, reverse ? 3 : 2, isEnd: false, out var start)
            || !StreamArguments.TryIntervalBound(c, reverse ? 2 : 3, isEnd: true, out var end))
            return;
        long count = -1;
        for (int i = 4; i < c.Count; i++)
        {
            if (!c.ArgIs(i, "COUNT"u8) || i == c.Count - 1)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
            if (!c.TryInt64(++i, out count))
                return;
            count = Math.Max(count, 0);
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        if (stream is null)
            c.WriteEmptyArray();
        else if (count == 0)
            c.Output.WriteNullArray();
        else
            StreamReply.WriteEntries(c.Output, StreamReply.Take(reverse ? stream.Backward(end, start) : stream.Forward(start, end), Math.Max(count, 0)));
    }

    /// <summary>XDEL key id [id …]: every ID is checked before any entry goes.</summary>
    private static void Delete(CommandContext c) => ForEachId(c, 2, static stream => stream, static (stream, id) => stream.Delete(id));

    /// <summary>
    /// XDEL and XACK: applies <paramref name="apply"/> to each ID from argument <paramref name="firstId"/>
    /// on what <paramref name="target"/> finds in the stream at argument 1 (nothing there answers 0,
    /// before the IDs are even checked, as Redis does); the IDs are all checked first; logged as
    /// received when anything changed; replies how many did.
    /// </summary>
    internal static void ForEachId<T>(CommandContext c, int firstId, Func<StreamValue, T?> target, Func<T, StreamId, bool> apply) where T : class
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        var found = stream is null ? null : target(stream);
        if (found is null)
        {
            c.Output.WriteInteger(0);
            return;
        }
        if (!StreamArguments.TryIds(c, firstId, out var ids))
            return;
        long changed = 0;
        foreach (var id in ids)
            if (apply(found, id))
                changed++;
        if (changed > 0)
        {
            c.Notify(PubSub.NotifyClass.Stream, "xdel"u8, c.Arg(1));
            c.Keyspace.ObjectChanged(c.Arg(1), stream!);
            c.Keyspace.LogCommand(c.Args);
        }
        c.Output.WriteInteger(changed);
    }

    /// <summary>XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count], logged as the exact length left.</summary>
    private static void Trim(CommandContext c)
    {
        if (!TryParseOptions(c, xadd: false, out var options))
            return;
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        long deleted = stream is null ? 0 : stream.Trim(options.Trim!.Value);
        if (deleted > 0)
        {
            c.Notify(PubSub.NotifyClass.Stream, "xtrim"u8, c.Arg(1));
            c.Keyspace.ObjectChanged(c.Arg(1), stream!);
            using var log = c.Keyspace.BeginRecord(5);
            log.Arg("XTRIM"u8);
            log.Arg(c.Arg(1));
            LogExactLength(log, stream!);
        }
        c.Output.WriteInteger(deleted);
    }

    /// <summary>XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]</summary>
    private static void SetId(CommandContext c)
    {
        if (!StreamArguments.TryStrictId(c, 2, out var id))
            return;
        long entriesAdded = -1;
        var maxDeleted = StreamId.Zero;
        for (int i = 3; i < c.Count; i += 2)
        {
            bool more = i < c.Count - 1;
            if (more && c.ArgIs(i, "ENTRIESADDED"u8))
            {
                if (!c.TryInt64(i + 1, out entriesAdded))
                    return;
                if (entriesAdded < 0)
                {
                    c.Output.WriteError("ERR entries_added must be positive");
                    return;
                }
            }
            else if (more && c.ArgIs(i, "MAXDELETEDID"u8))
            {
                if (!StreamArguments.TryStrictId(c, i + 1, out maxDeleted))
                    return;
                if (id < maxDeleted)
                {
                    c.Output.WriteError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out StreamValue? stream))
            return;
        if (stream is null)
        {
            c.Output.WriteError(Errors.NoSuchKey);
            return;
        }
        if (stream.Count > 0)
        {
            if (id < stream.LastLiveId())
            {
                c.Output.WriteError("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && stream.Count > entriesAdded)
            {
                c.Output.WriteError("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        stream.LastId = id;
        if (entriesAdded != -1)
            stream.EntriesAdded = entriesAdded;
        if (!maxDeleted.IsZero)
            stream.MaxDeletedId = maxDeleted;
        c.Notify(PubSub.NotifyClass.Stream, "xsetid"u8, c.Arg(1));
        c.Keyspace.ObjectChanged(c.Arg(1), stream);
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteOk();
    }
}
