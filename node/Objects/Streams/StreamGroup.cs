namespace Istore.Node.Objects.Streams;

/// <summary>A delivered, not yet acknowledged entry: in its group's PEL and in its consumer's.</summary>
public sealed class PendingEntry(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount)
{
    public StreamId Id { get; } = id;

    public StreamConsumer Consumer { get; set; } = consumer;

    /// <summary>Unix ms of the last delivery.</summary>
    public long DeliveryTime { get; set; } = deliveryTime;

    public long DeliveryCount { get; set; } = deliveryCount;
}

/// <summary>
/// A pending-entries list in ID order: a group's PEL or one consumer's part of it. In memory a
/// <see cref="PendingTree"/>; the disk engine's lists read and write one subkey per entry.
/// </summary>
public abstract class PendingList
{
    public abstract int Count { get; }

    public abstract PendingEntry? Find(StreamId id);

    public abstract void Add(PendingEntry entry);

    public abstract void Remove(PendingEntry entry);

    /// <summary>The entries from <paramref name="start"/> on, in ID order (entries must not be added or removed meanwhile).</summary>
    public abstract IEnumerable<PendingEntry> From(StreamId start);

    /// <summary>The entry with the largest ID (the list is not empty).</summary>
    public abstract PendingEntry Last();
}

public sealed class StreamConsumer(byte[] name, long seenTime, PendingList pending)
{
    public StreamConsumer(byte[] name, long seenTime) : this(name, seenTime, new PendingTree())
    {
    }

    public byte[] Name { get; } = name;

    /// <summary>Unix ms of its last read or claim (XINFO CONSUMERS' idle).</summary>
    public long SeenTime { get; set; } = seenTime;

    public PendingList Pending { get; } = pending;
}

/// <summary>
/// A consumer group: where it has read to, its PEL and its consumers (in name order, as Redis lists
/// them). The disk engine's groups keep their lists on disk (<see cref="NewConsumer"/>).
/// </summary>
public class StreamGroup(byte[] name, StreamId lastDelivered, long entriesRead, PendingList pending)
{
    public StreamGroup(byte[] name, StreamId lastDelivered, long entriesRead) : this(name, lastDelivered, entriesRead, new PendingTree())
    {
    }

    /// <summary>Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is not known.</summary>
    public const long UnknownEntriesRead = -1;

    public byte[] Name { get; } = name;

    public StreamId LastDelivered { get; set; } = lastDelivered;

    public long EntriesRead { get; set; } = entriesRead;

    public PendingList Pending { get; } = pending;

    public SortedDictionary<byte[], StreamConsumer> Consumers { get; } = new(ByteOrder.Instance);

    public StreamConsumer? FindConsumer(ReadOnlySpan<byte> name) =>
        Consumers.TryGetValue(name.ToArray(), out var consumer) ? consumer : null;

    /// <summary>The consumer called <paramref name="name"/>, created when missing (<paramref name="created"/> tells).</summary>
    public StreamConsumer OpenConsumer(ReadOnlySpan<byte> name, long now, out bool created)
    {
        var key = name.ToArray();
        created = !Consumers.TryGetValue(key, out var consumer);
        if (created)
            Consumers.Add(key, consumer = NewConsumer(key, now));
        return consumer!;
    }

    protected virtual StreamConsumer NewConsumer(byte[] name, long seenTime) => new(name, seenTime);

    /// <summary>Removes a consumer and its pending entries from the group's PEL; returns how many it had pending.</summary>
    public int DeleteConsumer(StreamConsumer consumer)
    {
        int pending = consumer.Pending.Count;
        foreach (var entry in consumer.Pending.From(StreamId.Zero))
            Pending.Remove(entry);
        Consumers.Remove(consumer.Name);
        return pending;
    }

    /// <summary>Drops a pending entry from both lists (XACK, or an entry that is gone from the stream).</summary>
    public void Acknowledge(PendingEntry entry)
    {
        Pending.Remove(entry);
        entry.Consumer.Pending.Remove(entry);
    }

    /// <summary>Gives a pending entry to <paramref name="consumer"/> (no change when it already has it).</summary>
    public static void Assign(PendingEntry entry, StreamConsumer consumer)
    {
        if (entry.Consumer == consumer)
            return;
        entry.Consumer.Pending.Remove(entry);
        entry.Consumer = consumer;
        consumer.Pending.Add(entry);
    }

    public StreamGroup Clone()
    {
        var copy = new StreamGroup(Name, LastDelivered, EntriesRead);
        foreach (var (name, consumer) in Consumers)
            copy.Consumers.Add(name, new StreamConsumer(name, consumer.SeenTime));
        foreach (var entry in Pending.From(StreamId.Zero))
        {
            var owner = copy.Consumers[entry.Consumer.Name];
            var clone = new PendingEntry(entry.Id, owner, entry.DeliveryTime, entry.DeliveryCount);
            copy.Pending.Add(clone);
            owner.Pending.Add(clone);
        }
        return copy;
    }

    /// <param name="withSeenTimes">
    /// False for DEBUG DIGEST: a consumer's seen time is when a node last saw it, which a replica
    /// replaying XGROUP CREATECONSUMER cannot know (Redis's digest leaves groups out altogether).
    /// </param>
    public void WriteTo(SnapshotWriter writer, bool withSeenTimes = true)
    {
        writer.WriteBytes(Name);
        writer.WriteVarUInt(LastDelivered.Ms);
        writer.WriteVarUInt(LastDelivered.Seq);
        writer.WriteInt64(EntriesRead);
        writer.WriteVarUInt((ulong)Consumers.Count);
        foreach (var consumer in Consumers.Values)
        {
            writer.WriteBytes(consumer.Name);
            writer.WriteInt64(withSeenTimes ? consumer.SeenTime : 0);
            writer.WriteVarUInt((ulong)consumer.Pending.Count);
            foreach (var entry in consumer.Pending.From(StreamId.Zero))
            {
                writer.WriteVarUInt(entry.Id.Ms);
                writer.WriteVarUInt(entry.Id.Seq);
                writer.WriteInt64(entry.DeliveryTime);
                writer.WriteVarUInt((ulong)entry.DeliveryCount);
            }
        }
    }

    public static StreamGroup ReadFrom(ref SnapshotReader reader)
    {
        var name = reader.ReadBytes().ToArray();
        var group = new StreamGroup(name, new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt()), reader.ReadInt64());
        int consumers = reader.ReadCount();
        for (int c = 0; c < consumers; c++)
        {
            var consumer = new StreamConsumer(reader.ReadBytes().ToArray(), reader.ReadInt64());
            if (!group.Consumers.TryAdd(consumer.Name, consumer))
                throw new InvalidDataException("duplicate stream consumer in snapshot");
            int pending = reader.ReadCount();
            for (int p = 0; p < pending; p++)
            {
                var entry = new PendingEntry(new StreamId(reader.ReadVarUInt(), reader.ReadVarUInt()), consumer, reader.ReadInt64(), (long)reader.ReadVarUInt());
                if (group.Pending.Find(entry.Id) is not null)
                    throw new InvalidDataException("duplicate pending stream entry in snapshot");
                group.Pending.Add(entry);
                consumer.Pending.Add(entry);
            }
        }
        return group;
    }
}

/// <summary>Byte-wise lexicographic order (a radix tree's), for group and consumer names.</summary>
public sealed class ByteOrder : IComparer<byte[]>
{
    public static readonly ByteOrder Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
