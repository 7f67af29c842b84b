using Istore.Node.Engine;

namespace Istore.Node.Objects.Streams;

/// <summary>
/// A stream: entries in ID order in blocks (<see cref="StreamNode"/>, like Redis's listpacks)
/// held by a counted B+ tree keyed by each block's master ID, so finding an ID is O(log n) and a
/// range is walked block by block; plus Redis 7's bookkeeping (last generated ID, first entry,
/// largest deleted ID, entries ever added) and the consumer groups. An empty stream keeps its key
/// (Redis's XADD creates one only with entries, but XGROUP CREATE MKSTREAM and trimming leave empty streams).
/// </summary>
public sealed class StreamObject : StoredObject
{
    private readonly OrderTree<StreamNode, MasterOrder> _nodes = new();

    public override KeyType Type => KeyType.Stream;

    /// <summary>Never 0: an empty stream is still a stream (XLEN answers <see cref="Count"/>).</summary>
    public override long Length => 1;

    public override string Encoding => "stream";

    /// <summary>Live entries (XLEN).</summary>
    public long Count { get; private set; }

    public StreamId LastId { get; set; }

    /// <summary>The first live entry's ID, 0-0 when empty (Redis's recorded-first-entry-id).</summary>
    public StreamId FirstId { get; private set; }

    public StreamId MaxDeletedId { get; set; }

    public long EntriesAdded { get; set; }

    public int NodeCount => _nodes.Count;

    public SortedDictionary<byte[], StreamGroup> Groups { get; } = new(ByteOrder.Instance);

    public StreamGroup? FindGroup(ReadOnlySpan<byte> name) => Groups.TryGetValue(name.ToArray(), out var group) ? group : null;

    /// <summary>The ID XADD * gives at <paramref name="nowMs"/>: the time, or the last ID plus one when the clock has not passed it.</summary>
    public StreamId NextId(long nowMs)
    {
        if ((ulong)nowMs > LastId.Ms)
            return new StreamId((ulong)nowMs, 0);
        LastId.TryIncrement(out var next);
        return next;
    }

    /// <summary>Appends an entry, its ID above <see cref="LastId"/>.</summary>
    public void Append<TPairs>(StreamId id, TPairs pairs) where TPairs : IPairSource, allows ref struct
    {
        long payload = 0;
        for (int i = 0; i < pairs.Count; i++)
            payload += pairs.Field(i).Length + pairs.Value(i).Length;
        var tail = _nodes.Count > 0 ? _nodes[_nodes.Count - 1] : null;
        // XSETID may move the last ID below deleted entries still in the tail block; a block stays sorted.
        if (tail is null || tail.IsFullFor(payload) || id <= tail.IdAt(tail.Total - 1))
        {
            tail?.Seal();
            _nodes.Add(StreamNode.Create(id, pairs));
        }
        else
        {
            tail.Append(id, pairs);
        }
        Count++;
        EntriesAdded++;
        LastId = id;
        if (Count == 1)
            FirstId = id;
    }

    /// <summary>A live entry with this ID.</summary>
    public bool TryFind(StreamId id, out EntryRef entry)
    {
        entry = default;
        int rank = _nodes.CountBelow(new MasterAtMost(id)) - 1;
        if (rank < 0)
            return false;
        var node = _nodes[rank];
        int index = node.FirstAtOrAfter(id);
        if (index == node.Total || node.IdAt(index) != id || node.IsDeleted(index))
            return false;
        entry = new EntryRef(node, index, id);
        return true;
    }

    public bool Contains(StreamId id) => TryFind(id, out _);

    /// <summary>XDEL of one ID: true when a live entry went.</summary>
    public bool Delete(StreamId id)
    {
        if (!TryFind(id, out var entry))
            return false;
        entry.Node.Delete(entry.Index);
        if (entry.Node.Live == 0)
            _nodes.Remove(entry.Node);
        Count--;
        if (id > MaxDeletedId)
            MaxDeletedId = id;
        if (id == FirstId || Count == 0)
            FirstId = FirstLiveId();
        return true;
    }

    /// <summary>
    /// Redis's streamTrim: whole blocks go from the front while they may; <paramref name="approximate"/>
    /// stops at the first block that cannot go whole, otherwise entries of that block are deleted one
    /// by one. <paramref name="limit"/> (0 = none) caps the entries removed, a block at a time.
    /// </summary>
    public long Trim(TrimSpec trim)
    {
        long deleted = 0;
        while (_nodes.Count > 0)
        {
            if (trim.ByLength && Count <= trim.MaxLength)
                break;
            var node = _nodes[0];
            int entries = node.Live;
            if (trim.Limit > 0 && deleted + entries > trim.Limit)
                break;
            bool wholeNode = trim.ByLength ? Count - entries >= trim.MaxLength : node.IdAt(node.Total - 1) < trim.MinId;
            if (wholeNode)
            {
                _nodes.Remove(node);
                Count -= entries;
                deleted += entries;
                continue;
            }
            if (trim.Approximate)
                break;
            for (int i = 0; i < node.Total; i++)
            {
                if (trim.ByLength ? Count <= trim.MaxLength : node.IdAt(i) >= trim.MinId)
                    break;
                if (!node.IsDeleted(i))
                {
                    node.Delete(i);
                    Count--;
                    deleted++;
                }
            }
            break;
        }
        if (deleted > 0)
            FirstId = FirstLiveId();
        return deleted;
    }

    private StreamId FirstLiveId()
    {
        foreach (var entry in Forward(StreamId.Zero, StreamId.Max))
            return entry.Id;
        return StreamId.Zero;
    }

    /// <summary>The last live entry's ID, 0-0 when empty.</summary>
    public StreamId LastLiveId()
    {
        foreach (var entry in Backward(StreamId.Max, StreamId.Zero))
            return entry.Id;
        return StreamId.Zero;
    }

    /// <summary>Live entries with start ≤ ID ≤ end, ascending.</summary>
    public IEnumerable<EntryRef> Forward(StreamId start, StreamId end)
    {
        if (_nodes.Count == 0 || start > end)
            yield break;
        var walker = _nodes.Walk(Math.Max(0, _nodes.CountBelow(new MasterAtMost(start)) - 1));
        do
        {
            var node = walker.Current;
            for (int i = node.FirstAtOrAfter(start); i < node.Total; i++)
            {
                if (node.IsDeleted(i))
                    continue;   // deleted entries may overlap the next block (see Append)
                var id = node.IdAt(i);
                if (id > end)
                    yield break;
                yield return new EntryRef(node, i, id);
            }
        }
        while (walker.MoveNext());
    }

    /// <summary>Live entries with end ≥ ID ≥ start, descending.</summary>
    public IEnumerable<EntryRef> Backward(StreamId end, StreamId start)
    {
        int rank = _nodes.CountBelow(new MasterAtMost(end)) - 1;
        if (rank < 0 || start > end)
            yield break;
        var walker = _nodes.Walk(rank);
        bool first = true;
        do
        {
            var node = walker.Current;
            int i = node.Total - 1;
            if (first)
            {
                i = end.TryIncrement(out var after) ? node.FirstAtOrAfter(after) - 1 : node.Total - 1;
                first = false;
            }
            for (; i >= 0; i--)
            {
                if (node.IsDeleted(i))
                    continue;
                var id = node.IdAt(i);
                if (id < start)
                    yield break;
                yield return new EntryRef(node, i, id);
            }
        }
        while (walker.MovePrevious());
    }

    /// <summary>Redis's streamRangeHasTombstones: may an entry deleted by XDEL lie in [start, end]?</summary>
    public bool RangeHasTombstones(StreamId start, StreamId end)
    {
        if (Count == 0 || MaxDeletedId.IsZero || FirstId > MaxDeletedId)
            return false;
        return start <= MaxDeletedId && MaxDeletedId <= end;
    }

    /// <summary>
    /// Redis's streamEstimateDistanceFromFirstEverEntry: the logical read counter of
    /// <paramref name="id"/>, or <see cref="StreamGroup.UnknownEntriesRead"/> when it cannot be known.
    /// </summary>
    public long EstimateEntriesRead(StreamId id)
    {
        if (EntriesAdded == 0)
            return 0;
        if (Count == 0 && id <= LastId)
            return EntriesAdded;
        int last = id.CompareTo(LastId);
        if (last == 0)
            return EntriesAdded;
        if (last > 0)
            return StreamGroup.UnknownEntriesRead;
        if (MaxDeletedId.IsZero || MaxDeletedId < FirstId)
        {
            int first = id.CompareTo(FirstId);
            if (first < 0)
                return EntriesAdded - Count;
            if (first == 0)
                return EntriesAdded - Count + 1;
        }
        return StreamGroup.UnknownEntriesRead;
    }

    /// <summary>Entries not yet delivered to the group, or null when that cannot be known.</summary>
    public long? Lag(StreamGroup group)
    {
        if (EntriesAdded == 0)
            return 0;
        if (group.EntriesRead != StreamGroup.UnknownEntriesRead && !RangeHasTombstones(group.LastDelivered, StreamId.Max))
            return EntriesAdded - group.EntriesRead;
        long read = EstimateEntriesRead(group.LastDelivered);
        return read == StreamGroup.UnknownEntriesRead ? null : EntriesAdded - read;
    }

    /// <summary>Moves a group's last-delivered ID up to an entry it delivers, keeping its read counter as Redis does.</summary>
    public void Deliver(StreamGroup group, StreamId id)
    {
        if (id <= group.LastDelivered)
            return;
        if (group.EntriesRead != StreamGroup.UnknownEntriesRead && !RangeHasTombstones(id, StreamId.Max))
            group.EntriesRead++;
        else if (EntriesAdded > 0)
            group.EntriesRead = EstimateEntriesRead(id);
        group.LastDelivered = id;
    }

    public override StoredObject Clone()
    {
        var copy = new StreamObject
        {
            Count = Count,
            LastId = LastId,
            FirstId = FirstId,
            MaxDeletedId = MaxDeletedId,
            EntriesAdded = EntriesAdded,
        };
        for (int i = 0; i < _nodes.Count; i++)
            copy._nodes.Add(_nodes[i].Clone());
        foreach (var (name, group) in Groups)
            copy.Groups.Add(name, group.Clone());
        return copy;
    }

    /// <summary>
    /// Writes the stream's content, not its layout: the bookkeeping, the live entries in order and
    /// the groups. Two streams holding the same entries write the same bytes however their blocks
    /// fell (a replica trims exactly where its master trimmed whole blocks), so DEBUG DIGEST agrees.
    /// </summary>
    public override void WriteTo(SnapshotWriter writer) => Write(writer, withSeenTimes: true);

    /// <summary>What DEBUG DIGEST hashes: the checkpoint form without consumers' seen times, which a replica cannot reproduce.</summary>
    public void WriteContentTo(SnapshotWriter writer) => Write(writer, withSeenTimes: false);

    private void Write(SnapshotWriter writer, bool withSeenTimes)
    {
        WriteId(writer, LastId);
        WriteId(writer, FirstId);
        WriteId(writer, MaxDeletedId);
        writer.WriteVarUInt((ulong)EntriesAdded);
        writer.WriteVarUInt((ulong)Count);
        foreach (var entry in Forward(StreamId.Zero, StreamId.Max))
        {
            WriteId(writer, entry.Id);
            var reader = entry.Read();
            writer.WriteVarUInt((ulong)reader.Pairs);
            while (reader.MoveNext())
            {
                writer.WriteBytes(reader.Field);
                writer.WriteBytes(reader.Value);
            }
        }
        writer.WriteVarUInt((ulong)Groups.Count);
        foreach (var group in Groups.Values)
            group.WriteTo(writer, withSeenTimes);
    }

    public static StreamObject ReadFrom(ref SnapshotReader reader)
    {
        var lastId = ReadId(ref reader);
        var firstId = ReadId(ref reader);
        var maxDeletedId = ReadId(ref reader);
        long entriesAdded = (long)reader.ReadVarUInt();
        var stream = new StreamObject();
        int count = reader.ReadCount();
        for (int i = 0; i < count; i++)
        {
            var id = ReadId(ref reader);
            if (i > 0 && id <= stream.LastId)
                throw new InvalidDataException("stream entries out of order in snapshot");
            var items = new byte[reader.ReadCount() * 2][];
            for (int j = 0; j < items.Length; j++)
                items[j] = reader.ReadBytes().ToArray();
            stream.Append(id, new ArrayPairs(items));
        }
        (stream.LastId, stream.FirstId, stream.MaxDeletedId, stream.EntriesAdded) = (lastId, firstId, maxDeletedId, entriesAdded);
        int groups = reader.ReadCount();
        for (int i = 0; i < groups; i++)
        {
            var group = StreamGroup.ReadFrom(ref reader);
            if (!stream.Groups.TryAdd(group.Name, group))
                throw new InvalidDataException("duplicate stream group in snapshot");
        }
        return stream;
    }

    private static void WriteId(SnapshotWriter writer, StreamId id)
    {
        writer.WriteVarUInt(id.Ms);
        writer.WriteVarUInt(id.Seq);
    }

    private static StreamId ReadId(ref SnapshotReader reader) => new(reader.ReadVarUInt(), reader.ReadVarUInt());

    private struct MasterOrder : IComparer<StreamNode>
    {
        public readonly int Compare(StreamNode? x, StreamNode? y) => x!.Master.CompareTo(y!.Master);
    }

    private readonly struct MasterAtMost(StreamId id) : IOrderBound<StreamNode>
    {
        public bool IsBelow(StreamNode item) => item.Master <= id;
    }
}

/// <summary>One live entry: its block, its place there and its ID.</summary>
public readonly record struct EntryRef(StreamNode Node, int Index, StreamId Id)
{
    public StreamNode.EntryReader Read() => Node.Read(Index);
}

/// <summary>XADD's and XTRIM's trimming: MAXLEN or MINID, exact or approximate (~), LIMIT.</summary>
public readonly record struct TrimSpec(bool ByLength, long MaxLength, StreamId MinId, bool Approximate, long Limit);
