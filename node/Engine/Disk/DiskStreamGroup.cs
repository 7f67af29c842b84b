using System.Buffers.Binary;
using Istore.Node.Objects;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A consumer group of a disk stream, for one command (layout in <see cref="DiskStreamFormat"/>):
/// its record (position, consumers, pending counts) is read whole, its PEL one subkey per entry,
/// so XACK, a claim or a delivery reads and writes the entries it names, not the whole PEL.
/// Entries this command handed out are kept by ID (so every handler sees the same object) with
/// what is stored for them; <see cref="Flush"/> writes those that changed — before each walk of the
/// lists (walks read the batch) and when the stream is saved — since handlers change an entry's
/// owner, delivery time and count in place.
/// </summary>
internal sealed class DiskStreamGroup : StreamGroup
{
    private readonly DiskStream _stream;
    private readonly byte[] _pendingScope;
    private readonly byte[] _consumersScope;
    private readonly Dictionary<StreamId, Slot> _slots = [];

    /// <summary>An entry handed out: as it is now (null once acknowledged) and as stored (no consumer when not stored).</summary>
    private sealed class Slot(PendingEntry? entry)
    {
        public PendingEntry? Entry = entry;
        public byte[]? StoredConsumer;
        public long StoredTime;
        public long StoredCount;
    }

    private DiskStreamGroup(DiskStream stream, byte[] name, StreamId lastDelivered, long entriesRead, GroupPending pending)
        : base(name, lastDelivered, entriesRead, pending)
    {
        _stream = stream;
        _pendingScope = DiskStreamFormat.GroupScope(DiskStreamFormat.PendingTag, name);
        _consumersScope = DiskStreamFormat.GroupScope(DiskStreamFormat.ConsumerPendingTag, name);
        pending.Owner = this;
    }

    /// <summary>The group whose record is <paramref name="record"/>.</summary>
    public static DiskStreamGroup Read(DiskStream stream, byte[] name, ReadOnlySpan<byte> record)
    {
        var reader = new SnapshotReader(record);
        var lastDelivered = new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt());
        long entriesRead = reader.ReadInt64();
        var group = new DiskStreamGroup(stream, name, lastDelivered, entriesRead, new GroupPending(PendingCount(ref reader)));
        int consumers = reader.ReadCount();
        for (int i = 0; i < consumers; i++)
        {
            var consumerName = reader.ReadBytes().ToArray();
            long seen = reader.ReadInt64();
            var consumer = new StreamConsumer(consumerName, seen, new ConsumerPending(group, consumerName, PendingCount(ref reader)));
            if (!group.Consumers.TryAdd(consumerName, consumer))
                throw new InvalidDataException("duplicate stream consumer in a group record");
        }
        return group;
    }

    /// <summary>A count of entries stored elsewhere (not bounded by the record's length, as <see cref="SnapshotReader.ReadCount"/> is).</summary>
    private static int PendingCount(ref SnapshotReader reader) =>
        reader.ReadVarUInt() is var count && count <= int.MaxValue ? (int)count : throw new InvalidDataException("bad pending count in a group record");

    /// <summary>A copy of <paramref name="source"/> to be stored whole (XGROUP CREATE, RESTORE, COPY).</summary>
    public static DiskStreamGroup CopyOf(DiskStream stream, StreamGroup source)
    {
        var group = new DiskStreamGroup(stream, source.Name, source.LastDelivered, source.EntriesRead, new GroupPending(0));
        foreach (var consumer in source.Consumers.Values)
            group.Consumers.Add(consumer.Name, group.NewConsumer(consumer.Name, consumer.SeenTime));
        foreach (var entry in source.Pending.From(StreamId.Zero))
        {
            var owner = group.Consumers[entry.Consumer.Name];
            var copy = new PendingEntry(entry.Id, owner, entry.DeliveryTime, entry.DeliveryCount);
            group.Pending.Add(copy);
            owner.Pending.Add(copy);
        }
        return group;
    }

    protected override StreamConsumer NewConsumer(byte[] name, long seenTime) => new(name, seenTime, new ConsumerPending(this, name, 0));

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? _scratch;

    /// <summary>The group's record as <see cref="Read"/> reads it.</summary>
    public byte[] Record()
    {
        var buffer = _scratch ??= new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = new SnapshotWriter(chunk => System.Buffers.BuffersExtensions.Write(buffer, chunk));
        writer.WriteVarUInt(LastDelivered.Ms);
        writer.WriteVarUInt(LastDelivered.Seq);
        writer.WriteInt64(EntriesRead);
        writer.WriteVarUInt((ulong)Pending.Count);
        writer.WriteVarUInt((ulong)Consumers.Count);
        foreach (var consumer in Consumers.Values)
        {
            writer.WriteBytes(consumer.Name);
            writer.WriteInt64(consumer.SeenTime);
            writer.WriteVarUInt((ulong)consumer.Pending.Count);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the entries handed out that differ from what is stored for them.</summary>
    public void Flush()
    {
        foreach (var (id, slot) in _slots)
        {
            if (slot.Entry is not { } entry)
            {
                if (slot.StoredConsumer is { } was)
                {
                    _stream.Elements.Erase(DiskStreamFormat.Field(_pendingScope, id));
                    _stream.Elements.Erase(DiskStreamFormat.Field(DiskStreamFormat.ConsumerScope(_consumersScope, was), id));
                    slot.StoredConsumer = null;
                }
                continue;
            }
            bool sameOwner = slot.StoredConsumer is { } owner && owner.AsSpan().SequenceEqual(entry.Consumer.Name);
            if (sameOwner && slot.StoredTime == entry.DeliveryTime && slot.StoredCount == entry.DeliveryCount)
                continue;
            var value = new byte[16 + entry.Consumer.Name.Length];
            BinaryPrimitives.WriteInt64LittleEndian(value, entry.DeliveryTime);
            BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), entry.DeliveryCount);
            entry.Consumer.Name.CopyTo(value, 16);
            _stream.Elements.Overwrite(DiskStreamFormat.Field(_pendingScope, id), value);
            if (!sameOwner)
            {
                if (slot.StoredConsumer is { } previous)
                    _stream.Elements.Erase(DiskStreamFormat.Field(DiskStreamFormat.ConsumerScope(_consumersScope, previous), id));
                _stream.Elements.Overwrite(DiskStreamFormat.Field(DiskStreamFormat.ConsumerScope(_consumersScope, entry.Consumer.Name), id), []);
            }
            slot.StoredConsumer = entry.Consumer.Name;
            slot.StoredTime = entry.DeliveryTime;
            slot.StoredCount = entry.DeliveryCount;
        }
    }

    /// <summary>Erases every pending entry of the group (XGROUP DESTROY), a chunk of subkeys per iterator.</summary>
    public void EraseEntries()
    {
        _slots.Clear();
        foreach (var scope in new[] { _pendingScope, _consumersScope })
        {
            while (true)
            {
                var fields = new List<byte[]>();
                using (var walk = _stream.Walk(scope))
                {
                    for (walk.Seek(_stream.Subkey(scope)); walk.Valid && fields.Count < DiskStream.ChunkSize; walk.Next())
                        fields.Add(walk.Field.ToArray());
                }
                foreach (var field in fields)
                    _stream.Elements.Erase(field);
                if (fields.Count < DiskStream.ChunkSize)
                    break;
            }
        }
    }

    private PendingEntry? Find(StreamId id)
    {
        if (_slots.TryGetValue(id, out var slot))
            return slot.Entry;
        return _stream.Elements.TryGet(DiskStreamFormat.Field(_pendingScope, id), out var value) ? Load(id, value) : null;
    }

    /// <summary>A stored entry not handed out yet, from its subkey's value.</summary>
    private PendingEntry Load(StreamId id, ReadOnlySpan<byte> value)
    {
        if (value.Length < 16)
            throw new InvalidDataException("stream pending entry shorter than its header");
        var owner = FindConsumer(value[16..]) ?? throw new InvalidDataException("stream pending entry of a consumer its group does not have");
        var entry = new PendingEntry(id, owner, BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value[8..]));
        _slots[id] = new Slot(entry) { StoredConsumer = owner.Name, StoredTime = entry.DeliveryTime, StoredCount = entry.DeliveryCount };
        return entry;
    }

    private void Added(PendingEntry entry)
    {
        if (_slots.TryGetValue(entry.Id, out var slot))
            slot.Entry = entry;
        else
            _slots[entry.Id] = new Slot(entry);
    }

    private void Removed(PendingEntry entry) => _slots[entry.Id].Entry = null;

    /// <summary>The group's entries from <paramref name="start"/> on, as stored once this command's changes are written.</summary>
    private IEnumerable<PendingEntry> GroupFrom(StreamId start)
    {
        Flush();
        using var walk = _stream.Walk(_pendingScope);
        for (walk.Seek(_stream.Subkey(DiskStreamFormat.Field(_pendingScope, start))); walk.Valid; walk.Next())
        {
            var id = DiskStreamFormat.ReadId(walk.Field[_pendingScope.Length..]);
            yield return _slots.TryGetValue(id, out var slot) ? slot.Entry! : Load(id, walk.Value);
        }
    }

    /// <summary>A consumer's entries from <paramref name="start"/> on: its list's IDs, each entry by a point read.</summary>
    private IEnumerable<PendingEntry> ConsumerFrom(byte[] scope, StreamId start)
    {
        Flush();
        using var walk = _stream.Walk(scope);
        for (walk.Seek(_stream.Subkey(DiskStreamFormat.Field(scope, start))); walk.Valid; walk.Next())
        {
            var id = DiskStreamFormat.ReadId(walk.Field[scope.Length..]);
            yield return Find(id) ?? throw new InvalidDataException("a consumer's pending entry is missing from its group's");
        }
    }

    private PendingEntry LastOf(byte[] scope)
    {
        Flush();
        StreamId id;
        using (var walk = _stream.Walk(scope))
        {
            walk.SeekForPrev(_stream.Subkey(DiskStreamFormat.Field(scope, StreamId.Max)));
            if (!walk.Valid)
                throw new InvalidOperationException("Last() of an empty pending list");
            id = DiskStreamFormat.ReadId(walk.Field[scope.Length..]);
        }
        return Find(id) ?? throw new InvalidDataException("a consumer's pending entry is missing from its group's");
    }

    /// <summary>The group's PEL: its count is in the group record.</summary>
    private sealed class GroupPending(int count) : PendingList
    {
        private int _count = count;

        public DiskStreamGroup Owner { get; set; } = null!;

        public override int Count => _count;

        public override PendingEntry? Find(StreamId id) => Owner.Find(id);

        public override void Add(PendingEntry entry)
        {
            Owner.Added(entry);
            _count++;
        }

        public override void Remove(PendingEntry entry)
        {
            Owner.Removed(entry);
            _count--;
        }

        public override IEnumerable<PendingEntry> From(StreamId start) => Owner.GroupFrom(start);

        public override PendingEntry Last() => Owner.LastOf(Owner._pendingScope);
    }

    /// <summary>
    /// A consumer's part of the PEL: its count is in the group record, its IDs in its own subkeys,
    /// which <see cref="Flush"/> keeps in step with each entry's owner.
    /// </summary>
    private sealed class ConsumerPending(DiskStreamGroup owner, byte[] consumer, int count) : PendingList
    {
        private readonly byte[] _scope = DiskStreamFormat.ConsumerScope(owner._consumersScope, consumer);
        private int _count = count;

        public override int Count => _count;

        public override PendingEntry? Find(StreamId id) =>
            owner.Find(id) is { } entry && entry.Consumer.Name.AsSpan().SequenceEqual(consumer) ? entry : null;

        public override void Add(PendingEntry entry) => _count++;

        public override void Remove(PendingEntry entry) => _count--;

        public override IEnumerable<PendingEntry> From(StreamId start) => owner.ConsumerFrom(_scope, start);

        public override PendingEntry Last() => owner.LastOf(_scope);
    }
}
