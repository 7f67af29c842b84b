using Istore.Node.Engine;

namespace Istore.Node.Objects.Streams;

/// <summary>
/// A stream as the command handlers see it, whichever engine holds it: <see cref="StreamObject"/>
/// in memory, or a disk engine's view over its subkeys. The entries, the bookkeeping Redis 7 keeps
/// (last generated ID, first entry, largest deleted ID, entries ever added) and the consumer
/// groups; what follows from those alone (read counters, lag, the checkpoint form) lives here.
/// An empty stream keeps its key (XGROUP CREATE MKSTREAM and trimming leave empty streams).
/// </summary>
public abstract class StreamValue : StoredObject
{
    public override KeyType Type => KeyType.Stream;

    /// <summary>Never 0: an empty stream is still a stream (XLEN answers <see cref="Count"/>).</summary>
    public override long Length => 1;

    public override string Encoding => "stream";

    /// <summary>Live entries (XLEN).</summary>
    public abstract long Count { get; }

    public abstract StreamId LastId { get; set; }

    /// <summary>The first live entry's ID, 0-0 when empty (Redis's recorded-first-entry-id).</summary>
    public abstract StreamId FirstId { get; }

    public abstract StreamId MaxDeletedId { get; set; }

    public abstract long EntriesAdded { get; set; }

    /// <summary>Blocks of entries (Redis's radix-tree keys, XINFO STREAM).</summary>
    public abstract int NodeCount { get; }

    public abstract int GroupCount { get; }

    /// <summary>The consumer groups in name order (byte order, as Redis's radix tree lists them).</summary>
    public abstract IEnumerable<StreamGroup> Groups { get; }

    public abstract StreamGroup? FindGroup(ReadOnlySpan<byte> name);

    /// <summary>Adds a group whose name is not taken.</summary>
    public abstract void AddGroup(StreamGroup group);

    public abstract void RemoveGroup(StreamGroup group);

    /// <summary>Appends an entry, its ID above <see cref="LastId"/>.</summary>
    public abstract void Append<TPairs>(StreamId id, TPairs pairs) where TPairs : IPairSource, allows ref struct;

    /// <summary>A live entry with this ID.</summary>
    public abstract bool TryFind(StreamId id, out EntryRef entry);

    /// <summary>XDEL of one ID: true when a live entry went.</summary>
    public abstract bool Delete(StreamId id);

    /// <summary>
    /// Redis's streamTrim: whole blocks go from the front while they may; an approximate trim
    /// stops at the first block that cannot go whole, otherwise entries of that block are deleted one
    /// by one. The limit (0 = none) caps the entries removed, a block at a time.
    /// </summary>
    public abstract long Trim(TrimSpec trim);

    /// <summary>Live entries with start ≤ ID ≤ end, ascending.</summary>
    public abstract IEnumerable<EntryRef> Forward(StreamId start, StreamId end);

    /// <summary>Live entries with end ≥ ID ≥ start, descending.</summary>
    public abstract IEnumerable<EntryRef> Backward(StreamId end, StreamId start);

    /// <summary>The ID XADD * gives at <paramref name="nowMs"/>: the time, or the last ID plus one when the clock has not passed it.</summary>
    public StreamId NextId(long nowMs)
    {
        if ((ulong)nowMs > LastId.Ms)
            return new StreamId((ulong)nowMs, 0);
        LastId.TryIncrement(out var next);
        return next;
    }

    public bool Contains(StreamId id) => TryFind(id, out _);

    /// <summary>The first live entry's ID, 0-0 when empty.</summary>
    protected StreamId FirstLiveId()
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

    /// <summary>
    /// Writes the stream's content, not its layout: the bookkeeping, the live entries in order and
    /// the groups. Two streams holding the same entries write the same bytes however their blocks
    /// fell (a replica trims exactly where its master trimmed whole blocks), so DEBUG DIGEST agrees,
    /// on either engine.
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
        writer.WriteVarUInt((ulong)GroupCount);
        foreach (var group in Groups)
            group.WriteTo(writer, withSeenTimes);
    }

    protected static void WriteId(SnapshotWriter writer, StreamId id)
    {
        writer.WriteVarUInt(id.Ms);
        writer.WriteVarUInt(id.Seq);
    }

    protected static StreamId ReadId(ref SnapshotReader reader) => new(reader.ReadVarUInt(), reader.ReadVarUInt());
}
