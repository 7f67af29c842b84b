using System.Buffers.Binary;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Dump;

/// <summary>
/// Streams in Redis's RDB_TYPE_STREAM_LISTPACKS_2 (7.0) and, for reading, RDB_TYPE_STREAM_LISTPACKS
/// (5.0–6.2): listpack nodes keyed by their 128-bit big-endian master ID, each opening with a
/// master entry (count, deleted, the master fields, 0) followed by entries (flags, ID deltas from
/// the master, values only when the fields are the master's, else the pairs; then the entry's
/// element count); then the stream's counters and the consumer groups with their PELs.
/// </summary>
internal static class StreamDump
{
    private const int FlagDeleted = 1;
    private const int FlagSameFields = 2;

    /// <summary>Redis's stream-node-max-entries default: entries per written node.</summary>
    private const int EntriesPerNode = 100;

    public static void Write(RdbWriter writer, StreamValue stream)
    {
        var entries = stream.Forward(StreamId.Zero, StreamId.Max).ToList();
        writer.WriteLength((ulong)((entries.Count + EntriesPerNode - 1) / EntriesPerNode));
        var listpack = new ListpackWriter();
        Span<byte> nodeKey = stackalloc byte[16];
        for (int first = 0; first < entries.Count; first += EntriesPerNode)
        {
            var node = entries.GetRange(first, Math.Min(EntriesPerNode, entries.Count - first));
            var master = node[0].Id;
            WriteId(nodeKey, master);
            writer.WriteLength(16);
            writer.WriteRaw(nodeKey);
            WriteNode(listpack, node, master);
            var bytes = listpack.Finish();
            writer.WriteLength((ulong)bytes.Length);
            writer.WriteRaw(bytes);
        }
        writer.WriteLength((ulong)stream.Count);
        WriteIdLengths(writer, stream.LastId);
        WriteIdLengths(writer, stream.FirstId);
        WriteIdLengths(writer, stream.MaxDeletedId);
        writer.WriteLength((ulong)stream.EntriesAdded);
        writer.WriteLength((ulong)stream.GroupCount);
        foreach (var group in stream.Groups)
            WriteGroup(writer, group, nodeKey);
    }

    private static void WriteNode(ListpackWriter listpack, List<EntryRef> node, StreamId master)
    {
        listpack.Reset();
        var masterFields = new List<byte[]>();
        var first = node[0].Read();
        while (first.MoveNext())
            masterFields.Add(first.Field.ToArray());
        listpack.AddInteger(node.Count);
        listpack.AddInteger(0);
        listpack.AddInteger(masterFields.Count);
        foreach (var field in masterFields)
            listpack.AddString(field);
        listpack.AddInteger(0);
        foreach (var entry in node)
        {
            bool same = SameFields(entry, masterFields);
            listpack.AddInteger(same ? FlagSameFields : 0);
            listpack.AddInteger((long)(entry.Id.Ms - master.Ms));
            listpack.AddInteger((long)(entry.Id.Seq - master.Seq));
            var pairs = entry.Read();
            if (!same)
                listpack.AddInteger(pairs.Pairs);
            while (pairs.MoveNext())
            {
                if (!same)
                    listpack.AddString(pairs.Field);
                listpack.AddString(pairs.Value);
            }
            listpack.AddInteger(same ? pairs.Pairs + 3 : 2L * pairs.Pairs + 4);
        }
    }

    private static bool SameFields(EntryRef entry, List<byte[]> masterFields)
    {
        var pairs = entry.Read();
        if (pairs.Pairs != masterFields.Count)
            return false;
        for (int i = 0; pairs.MoveNext(); i++)
            if (!pairs.Field.SequenceEqual(masterFields[i]))
                return false;
        return true;
    }

    private static void WriteGroup(RdbWriter writer, StreamGroup group, Span<byte> id)
    {
        writer.WriteString(group.Name);
        WriteIdLengths(writer, group.LastDelivered);
        writer.WriteLength((ulong)group.EntriesRead);   // -1 (unknown) as Redis writes it: all 64 bits set
        writer.WriteLength((ulong)group.Pending.Count);
        Span<byte> time = stackalloc byte[8];
        foreach (var entry in group.Pending.From(StreamId.Zero))
        {
            WriteId(id, entry.Id);
            writer.WriteRaw(id);
            BinaryPrimitives.WriteInt64LittleEndian(time, entry.DeliveryTime);
            writer.WriteRaw(time);
            writer.WriteLength((ulong)entry.DeliveryCount);
        }
        writer.WriteLength((ulong)group.Consumers.Count);
        foreach (var consumer in group.Consumers.Values)
        {
            writer.WriteString(consumer.Name);
            BinaryPrimitives.WriteInt64LittleEndian(time, consumer.SeenTime);
            writer.WriteRaw(time);
            writer.WriteLength((ulong)consumer.Pending.Count);
            foreach (var entry in consumer.Pending.From(StreamId.Zero))
            {
                WriteId(id, entry.Id);
                writer.WriteRaw(id);
            }
        }
    }

    private static void WriteId(Span<byte> into, StreamId id)
    {
        BinaryPrimitives.WriteUInt64BigEndian(into, id.Ms);
        BinaryPrimitives.WriteUInt64BigEndian(into[8..], id.Seq);
    }

    private static void WriteIdLengths(RdbWriter writer, StreamId id)
    {
        writer.WriteLength(id.Ms);
        writer.WriteLength(id.Seq);
    }

    public static StreamObject Read(ref RdbReader reader, byte type)
    {
        var stream = new StreamObject();
        for (int nodes = reader.ReadCount(); nodes > 0; nodes--)
        {
            var nodeKey = reader.ReadString();
            if (nodeKey.Length != 16)
                throw new BadDumpFormatException("stream node key is not a 128-bit ID");
            ReadNode(stream, ReadId(nodeKey), reader.ReadString());
        }
        if ((ulong)stream.Count != reader.ReadLength())
            throw new BadDumpFormatException("stream length disagrees with its entries");
        var lastId = ReadIdLengths(ref reader);
        if (stream.Count > 0 && lastId < stream.LastId)
            throw new BadDumpFormatException("stream last ID below its entries");
        stream.LastId = lastId;
        if (type == RdbType.StreamListpacks2)
        {
            ReadIdLengths(ref reader);   // the first entry's ID: the entries just read say it
            stream.MaxDeletedId = ReadIdLengths(ref reader);
            stream.EntriesAdded = (long)reader.ReadLength();
        }
        else
        {
            stream.MaxDeletedId = StreamId.Zero;
            stream.EntriesAdded = stream.Count;
        }
        for (int groups = reader.ReadCount(); groups > 0; groups--)
        {
            var group = ReadGroup(ref reader, stream, type);
            if (stream.FindGroup(group.Name) is not null)
                throw new BadDumpFormatException("duplicate stream group");
            stream.AddGroup(group);
        }
        return stream;
    }

    private static void ReadNode(StreamObject stream, StreamId master, ReadOnlySpan<byte> data)
    {
        var listpack = new Listpack(data);
        long count = NextInteger(ref listpack), deleted = NextInteger(ref listpack);
        var masterFields = new byte[NextCount(ref listpack)][];
        for (int i = 0; i < masterFields.Length; i++)
            masterFields[i] = Next(ref listpack).ToArray();
        if (NextInteger(ref listpack) != 0)
            throw new BadDumpFormatException("stream master entry not terminated");
        if (count + deleted == 0)
            throw new BadDumpFormatException("empty stream node");
        for (long n = count + deleted; n > 0; n--)
        {
            long flags = NextInteger(ref listpack);
            var id = new StreamId(master.Ms + (ulong)NextInteger(ref listpack), master.Seq + (ulong)NextInteger(ref listpack));
            bool same = (flags & FlagSameFields) != 0;
            int fields = same ? masterFields.Length : NextCount(ref listpack);
            var items = new byte[fields * 2][];
            for (int i = 0; i < fields; i++)
            {
                items[2 * i] = same ? masterFields[i] : Next(ref listpack).ToArray();
                items[2 * i + 1] = Next(ref listpack).ToArray();
            }
            NextInteger(ref listpack);   // the entry's element count, for walking backwards
            if ((flags & FlagDeleted) != 0)
                continue;
            if (stream.Count > 0 && id <= stream.LastId)
                throw new BadDumpFormatException("stream entries out of order");
            stream.Append(id, new ArrayPairs(items));
        }
        if (listpack.MoveNext())
            throw new BadDumpFormatException("bytes after the stream node's entries");
    }

    private static StreamGroup ReadGroup(ref RdbReader reader, StreamObject stream, byte type)
    {
        var name = reader.ReadString().ToArray();
        var lastDelivered = ReadIdLengths(ref reader);
        long entriesRead = type == RdbType.StreamListpacks2 ? (long)reader.ReadLength() : stream.EstimateEntriesRead(lastDelivered);
        var group = new StreamGroup(name, lastDelivered, entriesRead);
        var unowned = new Dictionary<StreamId, (long Time, long Count)>();
        for (int n = reader.ReadCount(); n > 0; n--)
        {
            var id = ReadId(reader.ReadRaw(16));
            long time = BinaryPrimitives.ReadInt64LittleEndian(reader.ReadRaw(8));
            if (!unowned.TryAdd(id, (time, (long)reader.ReadLength())))
                throw new BadDumpFormatException("duplicate pending entry");
        }
        for (int n = reader.ReadCount(); n > 0; n--)
        {
            var consumer = new StreamConsumer(reader.ReadString().ToArray(), BinaryPrimitives.ReadInt64LittleEndian(reader.ReadRaw(8)));
            if (!group.Consumers.TryAdd(consumer.Name, consumer))
                throw new BadDumpFormatException("duplicate stream consumer");
            for (int p = reader.ReadCount(); p > 0; p--)
            {
                var id = ReadId(reader.ReadRaw(16));
                if (!unowned.Remove(id, out var nack))
                    throw new BadDumpFormatException("a consumer's pending entry is not in its group's PEL");
                var entry = new PendingEntry(id, consumer, nack.Time, nack.Count);
                group.Pending.Add(entry);
                consumer.Pending.Add(entry);
            }
        }
        return unowned.Count == 0 ? group : throw new BadDumpFormatException("a pending entry without a consumer");
    }

    private static ReadOnlySpan<byte> Next(ref Listpack listpack) =>
        listpack.MoveNext() ? listpack.Current : throw new BadDumpFormatException("stream node ends early");

    private static long NextInteger(ref Listpack listpack) =>
        RedisNumber.TryParseInt64(Next(ref listpack), out long value) ? value : throw new BadDumpFormatException("stream node integer expected");

    private static int NextCount(ref Listpack listpack) =>
        NextInteger(ref listpack) is var n && n is >= 0 and <= 1 << 20 ? (int)n : throw new BadDumpFormatException("bad stream field count");

    private static StreamId ReadId(ReadOnlySpan<byte> raw) => new(BinaryPrimitives.ReadUInt64BigEndian(raw), BinaryPrimitives.ReadUInt64BigEndian(raw[8..]));

    private static StreamId ReadIdLengths(ref RdbReader reader) => new(reader.ReadLength(), reader.ReadLength());
}
