using Istore.Node.Objects;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A stream on disk, for one command (layout in <see cref="DiskStreamFormat"/>): entries are
/// subkeys read and written as the handlers go, beside the records of the blocks Redis would have
/// cut them into; the bookkeeping and the consumer groups a command opened live in this view and
/// are written back by <see cref="Save"/> (the session saves its views before it applies a batch),
/// each group's record only when its bytes changed, its PEL entry by entry (<see cref="DiskStreamGroup"/>). A session hands out one view per key per command, so
/// every handler of the command sees the same groups.
/// </summary>
internal sealed class DiskStream : StreamValue
{
    /// <summary>Entries read per iterator when a walk must write between reads (an iterator must not outlive a write to the batch).</summary>
    internal const int ChunkSize = 1024;

    private readonly SubkeyStore _elements;
    private readonly byte[] _prefix;
    private byte[] _savedRecord;
    private DiskStreamFormat.Bookkeeping _book;

    /// <summary>Groups this command opened: the group (null once removed) and its bytes as stored (null when not stored).</summary>
    private readonly SortedDictionary<byte[], (DiskStreamGroup? Group, byte[]? Stored)> _groups = new(ByteOrder.Instance);
    private bool _allGroupsLoaded;

    private DiskStream(SubkeyStore elements, DiskStreamFormat.Bookkeeping book, byte[] savedRecord)
    {
        _elements = elements;
        _book = book;
        _savedRecord = savedRecord;
        ExpireAt = elements.ExpireAt;
        _prefix = DiskFormat.SubkeyPrefix(elements.Key, elements.Version);
    }

    /// <summary>The view of a stream whose metadata record is <paramref name="record"/>.</summary>
    public static DiskStream Open(DiskSession session, ReadOnlySpan<byte> key, ReadOnlySpan<byte> record, long expireAt)
    {
        var metadata = DiskFormat.ReadCollection(record, KeyType.Stream, expireAt);
        return new DiskStream(new SubkeyStore(session, key, metadata), DiskStreamFormat.ReadRecord(record), record.ToArray());
    }

    /// <summary>A new stream at <paramref name="elements"/>' fresh version holding a copy of <paramref name="source"/> (RESTORE, COPY, RENAME, a full sync).</summary>
    public static DiskStream Create(SubkeyStore elements, StreamValue source)
    {
        var stream = new DiskStream(elements, default, []);
        // Re-appended in order, as a checkpoint is read back: the blocks fall as they would on a new stream.
        var from = StreamId.Zero;
        while (true)
        {
            var chunk = source.Forward(from, StreamId.Max).Take(ChunkSize).Select(entry => (entry.Id, Pairs: ReadPairs(entry))).ToList();
            foreach (var (id, pairs) in chunk)
                stream.Append(id, new ArrayPairs(pairs));
            if (chunk.Count < ChunkSize || !chunk[^1].Id.TryIncrement(out from))
                break;
        }
        stream._book = stream._book with { LastId = source.LastId, MaxDeletedId = source.MaxDeletedId, EntriesAdded = source.EntriesAdded };
        stream._allGroupsLoaded = true;
        foreach (var group in source.Groups)
            stream.AddGroup(group);
        stream.Save();
        return stream;
    }

    private static byte[][] ReadPairs(EntryRef entry)
    {
        var reader = entry.Read();
        var items = new byte[reader.Pairs * 2][];
        for (int i = 0; reader.MoveNext(); i++)
        {
            items[2 * i] = reader.Field.ToArray();
            items[2 * i + 1] = reader.Value.ToArray();
        }
        return items;
    }

    public byte[] Key => _elements.Key;

    internal SubkeyStore Elements => _elements;

    public long ExpireAt { get; set; }

    /// <summary>Storing a disk stream at another key copies it (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    public override long Count => _book.Count;

    public override StreamId LastId
    {
        get => _book.LastId;
        set => _book = _book with { LastId = value };
    }

    public override StreamId FirstId => _book.FirstId;

    public override StreamId MaxDeletedId
    {
        get => _book.MaxDeletedId;
        set => _book = _book with { MaxDeletedId = value };
    }

    public override long EntriesAdded
    {
        get => _book.EntriesAdded;
        set => _book = _book with { EntriesAdded = value };
    }

    public override int NodeCount
    {
        get
        {
            int count = 0;
            using var walk = Walk(DiskStreamFormat.NodeTag);
            for (walk.Seek([.. _prefix, DiskStreamFormat.NodeTag]); walk.Valid; walk.Next())
                count++;
            return count;
        }
    }

    public override int GroupCount => (int)_book.Groups;

    public override IEnumerable<StreamGroup> Groups
    {
        get
        {
            LoadAllGroups();
            return _groups.Values.Where(slot => slot.Group is not null).Select(slot => slot.Group!).ToList();
        }
    }

    public override StreamGroup? FindGroup(ReadOnlySpan<byte> name)
    {
        var key = name.ToArray();
        if (_groups.TryGetValue(key, out var slot))
            return slot.Group;
        if (_allGroupsLoaded || !_elements.TryGet([DiskStreamFormat.GroupTag, .. name], out var stored))
            return null;
        var bytes = stored.ToArray();
        var group = DiskStreamGroup.Read(this, key, bytes);
        _groups[key] = (group, bytes);
        return group;
    }

    /// <summary>Adds a copy of <paramref name="group"/>, its pending entries written when the stream is saved.</summary>
    public override void AddGroup(StreamGroup group)
    {
        var stored = _groups.TryGetValue(group.Name, out var slot) ? slot.Stored : null;
        _groups[group.Name] = (DiskStreamGroup.CopyOf(this, group), stored);
        _book = _book with { Groups = _book.Groups + 1 };
    }

    /// <summary>Removes a group this view handed out; its pending entries' subkeys go now (O(PEL), as in Redis).</summary>
    public override void RemoveGroup(StreamGroup group)
    {
        _groups[group.Name].Group!.EraseEntries();
        _groups[group.Name] = (null, _groups[group.Name].Stored);
        _book = _book with { Groups = _book.Groups - 1 };
    }

    private void LoadAllGroups()
    {
        if (_allGroupsLoaded)
            return;
        var stored = new List<(byte[] Name, byte[] Bytes)>();
        using (var walk = Walk(DiskStreamFormat.GroupTag))
        {
            for (walk.Seek([.. _prefix, DiskStreamFormat.GroupTag]); walk.Valid; walk.Next())
                stored.Add((walk.Field[1..].ToArray(), walk.Value.ToArray()));
        }
        foreach (var (name, bytes) in stored)
            _groups.TryAdd(name, (DiskStreamGroup.Read(this, name, bytes), bytes));
        _allGroupsLoaded = true;
    }

    /// <summary>Writes what this command changed in the groups and the bookkeeping into the command's batch.</summary>
    public void Save()
    {
        foreach (var (name, (group, stored)) in _groups.ToList())
        {
            if (group is null)
            {
                if (stored is not null)
                    _elements.Erase([DiskStreamFormat.GroupTag, .. name]);
                _groups[name] = (null, null);
                continue;
            }
            group.Flush();
            var bytes = group.Record();
            if (stored is null || !bytes.AsSpan().SequenceEqual(stored))
            {
                _elements.Overwrite([DiskStreamFormat.GroupTag, .. name], bytes);
                _groups[name] = (group, bytes);
            }
        }
        var record = DiskStreamFormat.WriteRecord(ExpireAt, _elements.Version, _book);
        if (!record.AsSpan().SequenceEqual(_savedRecord))
        {
            _elements.Session.Pending.Put(_elements.Session.Engine.Metadata, _elements.Key, record);
            _savedRecord = record;
        }
    }

    public override void Append<TPairs>(StreamId id, TPairs pairs)
    {
        long payload = 0;
        for (int i = 0; i < pairs.Count; i++)
            payload += pairs.Field(i).Length + pairs.Value(i).Length;
        var tail = TailNode();
        // XSETID may move the last ID below deleted entries still in the tail block; a block stays sorted.
        if (tail is null || tail.IsFullFor(payload) || id <= tail.LastWritten)
        {
            var fields = new byte[pairs.Count][];
            for (int i = 0; i < fields.Length; i++)
                fields[i] = pairs.Field(i).ToArray();
            _book = _book with { TailMaster = id, HeadMaster = tail is null ? id : _book.HeadMaster };
            tail = new DiskStreamFormat.NodeRecord(id, fields);
        }
        tail.Bytes += StreamNode.EntryBytes(tail.Master, tail.MasterFields, id, pairs);
        tail.Total++;
        tail.Live++;
        tail.LastWritten = id;
        PutNode(tail);
        _elements.Overwrite(DiskStreamFormat.Field(DiskStreamFormat.EntryTag, id), StreamNode.EncodePairs(pairs));
        long count = _book.Count + 1;
        _book = _book with { Count = count, EntriesAdded = _book.EntriesAdded + 1, LastId = id, FirstId = count == 1 ? id : _book.FirstId };
    }

    public override bool TryFind(StreamId id, out EntryRef entry)
    {
        entry = default;
        if (!_elements.TryGet(DiskStreamFormat.Field(DiskStreamFormat.EntryTag, id), out var pairs))
            return false;
        entry = new EntryRef(StreamNode.Single(id, pairs), 0, id);
        return true;
    }

    public override bool Delete(StreamId id)
    {
        var field = DiskStreamFormat.Field(DiskStreamFormat.EntryTag, id);
        if (!_elements.Contains(field))
            return false;
        _elements.Erase(field);
        var node = NodeOf(id);
        node.Live--;
        if (node.Live == 0)
            EraseNode(node);
        else
            PutNode(node);
        long count = _book.Count - 1;
        _book = _book with { Count = count, MaxDeletedId = id > _book.MaxDeletedId ? id : _book.MaxDeletedId };
        if (id == _book.FirstId || count == 0)
            _book = _book with { FirstId = FirstIdFrom(id) };
        return true;
    }

    /// <summary>The memory engine's trim over the block records: a block's live entries are the first ones left.</summary>
    public override long Trim(TrimSpec trim)
    {
        long deleted = 0;
        // The length test first: most XADDs with MAXLEN have nothing to trim and need no block read.
        while (!(trim.ByLength && Count <= trim.MaxLength) && FirstNode() is { } node)
        {
            int entries = node.Live;
            if (trim.Limit > 0 && deleted + entries > trim.Limit)
                break;
            bool wholeNode = trim.ByLength ? Count - entries >= trim.MaxLength : node.LastWritten < trim.MinId;
            if (wholeNode)
            {
                for (int left = entries; left > 0;)
                {
                    var ids = FirstIds(node.Master, Math.Min(left, ChunkSize));
                    foreach (var id in ids)
                        _elements.Erase(DiskStreamFormat.Field(DiskStreamFormat.EntryTag, id));
                    left -= ids.Count;
                }
                EraseNode(node);
                _book = _book with { Count = Count - entries };
                deleted += entries;
                continue;
            }
            if (trim.Approximate)
                break;
            foreach (var id in FirstIds(node.Master, entries))
            {
                if (trim.ByLength ? Count <= trim.MaxLength : id >= trim.MinId)
                    break;
                _elements.Erase(DiskStreamFormat.Field(DiskStreamFormat.EntryTag, id));
                node.Live--;
                _book = _book with { Count = Count - 1 };
                deleted++;
            }
            PutNode(node);
            break;
        }
        if (deleted > 0)
            _book = _book with { FirstId = FirstIdFrom(_book.HeadMaster) };
        return deleted;
    }

    /// <summary>The first live entry, all of which are at or after <paramref name="from"/>: a walk from there skips the deleted ones before it.</summary>
    private StreamId FirstIdFrom(StreamId from)
    {
        foreach (var entry in Forward(from, StreamId.Max))
            return entry.Id;
        return StreamId.Zero;
    }

    /// <summary>The first <paramref name="count"/> live entries' IDs, of the first block (at <paramref name="master"/> or after).</summary>
    private List<StreamId> FirstIds(StreamId master, int count) => Forward(master, StreamId.Max).Take(count).Select(entry => entry.Id).ToList();

    public override IEnumerable<EntryRef> Forward(StreamId start, StreamId end)
    {
        if (start > end)
            yield break;
        using var walk = Walk(DiskStreamFormat.EntryTag);
        for (walk.Seek(FullKey(DiskStreamFormat.EntryTag, start)); walk.Valid; walk.Next())
        {
            var id = DiskStreamFormat.ReadId(walk.Field[1..]);
            if (id > end)
                yield break;
            yield return new EntryRef(StreamNode.Single(id, walk.Value), 0, id);
        }
    }

    public override IEnumerable<EntryRef> Backward(StreamId end, StreamId start)
    {
        if (start > end)
            yield break;
        using var walk = Walk(DiskStreamFormat.EntryTag);
        for (walk.SeekForPrev(FullKey(DiskStreamFormat.EntryTag, end)); walk.Valid; walk.Prev())
        {
            var id = DiskStreamFormat.ReadId(walk.Field[1..]);
            if (id < start)
                yield break;
            yield return new EntryRef(StreamNode.Single(id, walk.Value), 0, id);
        }
    }

    /// <summary>The first block: one point read at the master the bookkeeping names, a seek when it names none.</summary>
    private DiskStreamFormat.NodeRecord? FirstNode() => _book.HeadMaster.IsZero ? NodeAtOrAfter(StreamId.Zero) : NodeAt(_book.HeadMaster);

    private DiskStreamFormat.NodeRecord? NodeAtOrAfter(StreamId id)
    {
        using var walk = Walk(DiskStreamFormat.NodeTag);
        walk.Seek(FullKey(DiskStreamFormat.NodeTag, id));
        return walk.Valid ? DiskStreamFormat.NodeRecord.Read(DiskStreamFormat.ReadId(walk.Field[1..]), walk.Value) : null;
    }

    private DiskStreamFormat.NodeRecord NodeAt(StreamId master) =>
        _elements.TryGet(DiskStreamFormat.Field(DiskStreamFormat.NodeTag, master), out var value)
            ? DiskStreamFormat.NodeRecord.Read(master, value)
            : throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(Key)} names a block it does not have");

    /// <summary>The last block: one point read at the master the bookkeeping names, a seek when it names none.</summary>
    private DiskStreamFormat.NodeRecord? TailNode() => _book.TailMaster.IsZero ? NodeAtOrBefore(StreamId.Max) : NodeAt(_book.TailMaster);

    private void EraseNode(DiskStreamFormat.NodeRecord node)
    {
        _elements.Erase(DiskStreamFormat.Field(DiskStreamFormat.NodeTag, node.Master));
        if (node.Master == _book.TailMaster)
            _book = _book with { TailMaster = StreamId.Zero };
        // The next block is the new first: a seek from the erased one, past nothing else deleted.
        if (node.Master == _book.HeadMaster)
            _book = _book with { HeadMaster = NodeAtOrAfter(node.Master)?.Master ?? StreamId.Zero };
    }

    /// <summary>The block a live entry is in: the last one whose master is not above it.</summary>
    private DiskStreamFormat.NodeRecord NodeOf(StreamId id) =>
        NodeAtOrBefore(id) ?? throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(Key)} has entry {id} outside every block");

    private DiskStreamFormat.NodeRecord? NodeAtOrBefore(StreamId id)
    {
        using var walk = Walk(DiskStreamFormat.NodeTag);
        walk.SeekForPrev(FullKey(DiskStreamFormat.NodeTag, id));
        return walk.Valid ? DiskStreamFormat.NodeRecord.Read(DiskStreamFormat.ReadId(walk.Field[1..]), walk.Value) : null;
    }

    private byte[] FullKey(byte tag, StreamId id) => Subkey(DiskStreamFormat.Field(tag, id));

    /// <summary>The subkey of one of this stream's fields (a seek target).</summary>
    internal byte[] Subkey(ReadOnlySpan<byte> field) => [.. _prefix, .. field];

    private void PutNode(DiskStreamFormat.NodeRecord node) =>
        _elements.Overwrite(DiskStreamFormat.Field(DiskStreamFormat.NodeTag, node.Master), node.Write());

    private SubkeyWalk Walk(byte tag) => Walk([tag]);

    /// <summary>A walk over the fields that start with <paramref name="scope"/> (a tag, or a tag and a group).</summary>
    internal SubkeyWalk Walk(byte[] scope) =>
        new(_elements.Session.Pending.NewIterator(_elements.Session.Engine.Subkeys, [.. _prefix, (byte)(scope[0] + 1)]), [.. _prefix, .. scope], _prefix.Length);
}

/// <summary>An iterator over the subkeys of one tag of one collection, either way: valid only on those keys.</summary>
internal sealed class SubkeyWalk(Native.Iterator iterator, byte[] tagPrefix, int fieldStart) : IDisposable
{
    public bool Valid
    {
        get
        {
            if (iterator.Valid)
                return iterator.Key.StartsWith(tagPrefix);
            iterator.ThrowIfError();
            return false;
        }
    }

    /// <summary>The field, tag included.</summary>
    public ReadOnlySpan<byte> Field => iterator.Key[fieldStart..];

    public ReadOnlySpan<byte> Value => iterator.Value;

    public void Seek(ReadOnlySpan<byte> key) => iterator.Seek(key);

    public void SeekForPrev(ReadOnlySpan<byte> key) => iterator.SeekForPrev(key);

    public void Next() => iterator.Next();

    public void Prev() => iterator.Prev();

    public void Dispose() => iterator.Dispose();
}
