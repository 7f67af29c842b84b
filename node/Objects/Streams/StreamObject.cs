using Istore.Node.Engine;

namespace Istore.Node.Objects.Streams;

/// <summary>
/// A stream in memory: entries in ID order in blocks (<see cref="StreamNode"/>, like Redis's
/// listpacks) held by a counted B+ tree keyed by each block's master ID, so finding an ID is
/// O(log n) and a range is walked block by block; the groups in a dictionary in name order.
/// </summary>
public sealed class StreamObject : StreamValue
{
    private readonly OrderTree<StreamNode, MasterOrder> _nodes = new();
    private readonly SortedDictionary<byte[], StreamGroup> _groups = new(ByteOrder.Instance);

    public override long Count => _count;

    private long _count;

    public override StreamId LastId { get; set; }

    public override StreamId FirstId => _firstId;

    private StreamId _firstId;

    public override StreamId MaxDeletedId { get; set; }

    public override long EntriesAdded { get; set; }

    public override int NodeCount => _nodes.Count;

    public override int GroupCount => _groups.Count;

    public override IEnumerable<StreamGroup> Groups => _groups.Values;

    public override StreamGroup? FindGroup(ReadOnlySpan<byte> name) => _groups.TryGetValue(name.ToArray(), out var group) ? group : null;

    public override void AddGroup(StreamGroup group) => _groups.Add(group.Name, group);

    public override void RemoveGroup(StreamGroup group) => _groups.Remove(group.Name);

    public override void Append<TPairs>(StreamId id, TPairs pairs)
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
        _count++;
        EntriesAdded++;
        LastId = id;
        if (_count == 1)
            _firstId = id;
    }

    public override bool TryFind(StreamId id, out EntryRef entry)
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

    public override bool Delete(StreamId id)
    {
        if (!TryFind(id, out var entry))
            return false;
        entry.Node.Delete(entry.Index);
        if (entry.Node.Live == 0)
            _nodes.Remove(entry.Node);
        _count--;
        if (id > MaxDeletedId)
            MaxDeletedId = id;
        if (id == FirstId || _count == 0)
            _firstId = FirstLiveId();
        return true;
    }

    public override long Trim(TrimSpec trim)
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
                _count -= entries;
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
                    _count--;
                    deleted++;
                }
            }
            break;
        }
        if (deleted > 0)
            _firstId = FirstLiveId();
        return deleted;
    }

    public override IEnumerable<EntryRef> Forward(StreamId start, StreamId end)
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

    public override IEnumerable<EntryRef> Backward(StreamId end, StreamId start)
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

    public override StoredObject Clone()
    {
        var copy = new StreamObject
        {
            _count = _count,
            LastId = LastId,
            _firstId = _firstId,
            MaxDeletedId = MaxDeletedId,
            EntriesAdded = EntriesAdded,
        };
        for (int i = 0; i < _nodes.Count; i++)
            copy._nodes.Add(_nodes[i].Clone());
        foreach (var (name, group) in _groups)
            copy._groups.Add(name, group.Clone());
        return copy;
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
        (stream.LastId, stream._firstId, stream.MaxDeletedId, stream.EntriesAdded) = (lastId, firstId, maxDeletedId, entriesAdded);
        int groups = reader.ReadCount();
        for (int i = 0; i < groups; i++)
        {
            var group = StreamGroup.ReadFrom(ref reader);
            if (!stream._groups.TryAdd(group.Name, group))
                throw new InvalidDataException("duplicate stream group in snapshot");
        }
        return stream;
    }

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
