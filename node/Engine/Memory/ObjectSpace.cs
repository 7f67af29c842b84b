using System.Diagnostics;
using System.Runtime.CompilerServices;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The memory engine's collections (hashes, lists, sets, sorted sets…) and the strings too large for
/// a FASTER record (<see cref="LargeString"/>): key → object and expiry, beside the FASTER string
/// store; a key lives in one of the two. Structural access (lookup,
/// insert, remove, scan) takes this space's own lock, so string paths on any thread may ask
/// whether a key is a collection; object contents are read and changed under the keyspace write lock.
/// Snapshots are <see cref="ObjectCapture"/>s: every change below first hands the entry it changes
/// to a capture that still needs it.
/// </summary>
internal sealed class ObjectSpace
{
    private readonly ScanTable<ObjectEntry> _table = new();
    private readonly ObjectCapture?[] _captures = new ObjectCapture?[2];
    private readonly List<(ObjectCapture Capture, ObjectEntry Entry)> _unsaved = [];
    private int _epoch;
    private volatile int _count;
    private int _volatileCount;

    public int Count => _count;

    /// <summary>The members of this database's ranklists, interned (see <see cref="RankListObject"/>).</summary>
    public MemberTable RankListMembers { get; } = new();

    public int VolatileCount => Volatile.Read(ref _volatileCount);

    private long _bytes;

    /// <summary>The collections' share of the dataset estimate (see <see cref="EstimateBytes"/>).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>An object's size for maxmemory: its key and header plus <see cref="StoredObject.EstimatedBytes"/>.</summary>
    private static long EstimateBytes(int keyLength, StoredObject value) => MemoryEngine.KeyOverhead + keyLength + value.EstimatedBytes;

    /// <summary>Removed elements that leave enough garbage to be worth a full collection.</summary>
    private const long LargeRemoval = 100_000;

    private long _removedElements;

    /// <summary>
    /// True once after collections holding many elements went (DEL of a big one, FLUSHALL, expiry):
    /// housekeeping should give their memory back.
    /// </summary>
    public bool TakeLargeRemoval()
    {
        if (Interlocked.Read(ref _removedElements) < LargeRemoval)
            return false;
        Interlocked.Exchange(ref _removedElements, 0);
        return true;
    }

    /// <summary>The object at <paramref name="key"/>, to look at (any thread: string paths ask whether a key is a collection).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out StoredObject value, out long expireAt) => TryFind(key, forCommand: false, out value, out expireAt);

    /// <summary>
    /// <see cref="TryGet"/> for a command, which holds the keyspace write lock and may change the
    /// object in place: a capture that still needs it writes it first, and an object a reader
    /// holds pinned is replaced at its key by a copy, which the command gets.
    /// </summary>
    public bool TryGetForCommand(ReadOnlySpan<byte> key, out StoredObject value, out long expireAt) => TryFind(key, forCommand: true, out value, out expireAt);

    /// <summary>
    /// <see cref="TryGet"/> for a command that holds the keyspace lock only to read: no writer runs
    /// meanwhile (every change to the table holds that lock as a writer), so the table is read
    /// without its own lock, which readers on other loops would otherwise all write.
    /// </summary>
    public bool TryGetForRead(ReadOnlySpan<byte> key, out StoredObject value, out long expireAt)
    {
        value = null!;
        expireAt = 0;
        if (_count == 0)
            return false;
        ref var entry = ref _table.Find(key);
        if (Unsafe.IsNullRef(ref entry))
            return false;
        value = entry.Value;
        expireAt = entry.ExpireAt;
        return true;
    }

    private bool TryFind(ReadOnlySpan<byte> key, bool forCommand, out StoredObject value, out long expireAt)
    {
        value = null!;
        expireAt = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return false;
            if (forCommand)
            {
                BeforeChange(ref entry);
                if (entry.Value.Pins > 0)
                    ReplacePinned(ref entry);
            }
            value = entry.Value;
            expireAt = entry.ExpireAt;
        }
        if (forCommand)
            SaveQueued();   // only under the write lock: a lock-free reader must not write another's queue
        return true;
    }

    /// <summary>Stores (or replaces) a key's object; returns whether the key was there and had an expiry.</summary>
    public (bool Existed, bool WasVolatile) Set(ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        (bool, bool) result;
        lock (_table)
        {
            ref var entry = ref _table.FindOrAdd(key, out bool added);
            if (!added)
                BeforeChange(ref entry);
            bool wasVolatile = !added && entry.ExpireAt != 0;
            var previous = added ? null : entry.Value;
            long bytes = EstimateBytes(key.Length, value);
            _bytes += bytes - (added ? 0 : entry.Bytes);
            entry = new ObjectEntry(added ? key.ToArray() : entry.KeyBytes, value, expireAt, bytes) { PlacedIn = _epoch };
            if (previous != value)
            {
                Stored(value);
                if (previous is not null)
                    Dropped(previous);
            }
            Adjust(added ? 1 : 0, (expireAt != 0 ? 1 : 0) - (wasVolatile ? 1 : 0));
            result = (!added, wasVolatile);
        }
        SaveQueued();
        return result;
    }

    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt, out long previous)
    {
        previous = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return false;
            BeforeChange(ref entry);
            previous = entry.ExpireAt;
            entry = entry with { ExpireAt = expireAt };
            Adjust(0, (expireAt != 0 ? 1 : 0) - (previous != 0 ? 1 : 0));
        }
        SaveQueued();
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> key, out long expireAt)
    {
        expireAt = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            if (!_table.Remove(key, out var removed))
                return false;
            BeforeChange(ref removed);
            Interlocked.Add(ref _removedElements, removed.Value.Length);
            _bytes -= removed.Bytes;
            Dropped(removed.Value);
            expireAt = removed.ExpireAt;
            Adjust(-1, expireAt != 0 ? -1 : 0);
        }
        SaveQueued();
        return true;
    }

    /// <summary>A command changed the collection at <paramref name="key"/> in place: recount its bytes.</summary>
    public void Changed(ReadOnlySpan<byte> key, StoredObject value)
    {
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return;
            long bytes = EstimateBytes(key.Length, value);
            _bytes += bytes - entry.Bytes;
            entry = entry with { Bytes = bytes };
        }
    }

    /// <summary>One SCAN step over the collections; returns the next cursor, 0 when done.</summary>
    public ulong Scan(ulong cursor, int count, KeyVisitor visitor, long expiredBy)
    {
        lock (_table)
        {
            var adapter = new VisitorAdapter(visitor, expiredBy);
            return _table.Scan(cursor, count, ref adapter);
        }
    }

    /// <summary>A cursor at a random bucket.</summary>
    public ulong RandomCursor()
    {
        lock (_table)
            return _table.Count == 0 ? 0 : (ulong)Random.Shared.Next(Math.Max(1, _table.Count));
    }

    /// <summary>
    /// Starts capturing the collections as they are now into <paramref name="output"/>; the caller
    /// holds <paramref name="writeLock"/>, the keyspace write lock. At most one capture per slot.
    /// </summary>
    public ObjectCapture BeginCapture(CaptureSlot slot, Keyspace.KeyspaceLock writeLock, SnapshotWriter output, CapturedEntryWriter format)
    {
        lock (_table)
        {
            if (_captures[(int)slot] is not null)
                throw new InvalidOperationException($"a {slot} capture is already running");
            var capture = new ObjectCapture(slot, ++_epoch, writeLock, output, format, _table.Count);
            _captures[(int)slot] = capture;
            return capture;
        }
    }

    /// <summary>A writer waits for the capture's walk at most this long at a time.</summary>
    private static readonly long SliceTicks = Stopwatch.Frequency / 1000;

    /// <summary>
    /// Writes every entry <paramref name="capture"/> still needs, walking the table a slice at a time
    /// under the write lock (the SCAN cursor returns every entry present throughout, even across
    /// resizes; entries changed or removed meanwhile were written by the change), then ends it.
    /// Throws if the capture could not be written whole.
    /// </summary>
    public void Complete(ObjectCapture capture)
    {
        var slice = new List<ObjectEntry>();
        ulong cursor = 0;
        try
        {
            do
            {
                using (capture.WriteLock.Hold())
                {
                    long end = Stopwatch.GetTimestamp() + SliceTicks;
                    do
                    {
                        // One bucket a step: a step of big collections (a 10,000-field hash takes
                        // ~0.3 ms to write) must not run far past the slice's end.
                        lock (_table)
                        {
                            var collector = new CaptureCollector(capture, slice);
                            cursor = _table.Scan(cursor, 1, ref collector);
                        }
                        foreach (var entry in slice)
                            capture.Save(entry);
                        slice.Clear();
                    }
                    while (cursor != 0 && Stopwatch.GetTimestamp() < end);
                }
                if (capture.Failed)
                    break;   // nothing more it writes is used
                // A monitor is not fair: pause, so writers that waited for the slice get the lock.
                if (cursor != 0)
                    Thread.Sleep(1);
            }
            while (cursor != 0);
        }
        finally
        {
            EndCapture(capture);
        }
        capture.ThrowIfIncomplete();
    }

    /// <summary>Stops <paramref name="capture"/> (done, failed or abandoned): changes no longer write to it.</summary>
    public void EndCapture(ObjectCapture capture)
    {
        using (capture.WriteLock.Hold())
        lock (_table)
        {
            if (_captures[(int)capture.Slot] == capture)
                _captures[(int)capture.Slot] = null;
        }
    }

    /// <summary>
    /// <paramref name="entry"/> is about to change, move or go (table lock held): each capture that
    /// still needs it takes it as it is, written by <see cref="SaveQueued"/> once the table lock
    /// is released (lock-free string readers need only that lock).
    /// </summary>
    private void BeforeChange(ref ObjectEntry entry)
    {
        foreach (var capture in _captures)
        {
            if (capture is null || !capture.Needs(entry))
                continue;
            // Writing it now could interleave with the walk: the snapshot would be wrong, so it fails
            // (and is retried later) rather than the client's write.
            if (!capture.WriteLock.IsHeld)
            {
                capture.Fail(new InvalidOperationException("a collection changed without the keyspace write lock while a snapshot was being captured"));
                continue;
            }
            capture.MarkSaved(ref entry);
            _unsaved.Add((capture, entry));
        }
    }

    /// <summary>Writes what <see cref="BeforeChange"/> queued; only the write lock's holder queues, and only it calls this.</summary>
    private void SaveQueued()
    {
        if (_unsaved.Count == 0)
            return;
        foreach (var (capture, entry) in _unsaved)
            capture.Save(entry);
        _unsaved.Clear();
    }

    /// <summary>Loads what a checkpoint's capture wrote (its count, then <see cref="ObjectSnapshotFile.WriteEntry"/>'s entries).</summary>
    public void ReadFrom(MappedSnapshot snapshot)
    {
        var header = snapshot.Next();
        int count = header.ReadCount();
        snapshot.Advance(header);
        lock (_table)
        {
            for (int i = 0; i < count; i++)
            {
                var reader = snapshot.Next();
                var type = (Engine.KeyType)reader.ReadByte();
                var key = reader.ReadBytes().ToArray();
                long expireAt = reader.ReadInt64();
                var value = ObjectSerializer.Read(type, ref reader, RankListMembers);
                snapshot.Advance(reader);
                long bytes = EstimateBytes(key.Length, value);
                _bytes += bytes;
                _table.AddNew(new ObjectEntry(key, value, expireAt, bytes));
                Stored(value);
                Adjust(1, expireAt != 0 ? 1 : 0);
            }
        }
        if (!snapshot.AtEnd)
            throw new InvalidDataException("trailing bytes in the object snapshot");
    }

    /// <summary>
    /// A command may change the entry's object in place, but a reader holds it pinned without the
    /// lock: the key gets a copy, and the reader keeps the object as it pinned it (table lock held).
    /// </summary>
    private void ReplacePinned(ref ObjectEntry entry)
    {
        var copy = entry.Value.Successor();
        Stored(copy);
        Dropped(entry.Value);
        entry = entry with { Value = copy };
    }

    /// <summary>A key now holds <paramref name="value"/>: a ranklist joins this database's member table.</summary>
    private void Stored(StoredObject value)
    {
        if (value is RankListObject list)
            list.Attach(RankListMembers);
    }

    /// <summary>A key let go of <paramref name="value"/>: a ranklist no key holds releases its members.</summary>
    private static void Dropped(StoredObject value)
    {
        if (value is RankListObject list)
            list.Detach();
    }

    private void Adjust(int keys, int volatileKeys)
    {
        _count += keys;
        _volatileCount += volatileKeys;
    }

    private readonly struct VisitorAdapter(KeyVisitor visitor, long expiredBy) : IEntryVisitor<ObjectEntry>
    {
        public void Visit(ref ObjectEntry entry)
        {
            if (expiredBy > 0 && (entry.ExpireAt == 0 || entry.ExpireAt > expiredBy))
                return;
            visitor(entry.KeyBytes, entry.Value.Type, entry.ExpireAt);
        }
    }
}

internal record struct ObjectEntry(byte[] KeyBytes, StoredObject Value, long ExpireAt, long Bytes) : IScanEntry
{
    public readonly ReadOnlySpan<byte> Key => KeyBytes;

    /// <summary>
    /// The capture epoch when this value was placed at its key: only captures begun later include it, so to those begun
    /// by then it counts as saved (one field less than a birth epoch of its own: 8 bytes a key with the slot's padding).
    /// </summary>
    public int PlacedIn { init => _savedByCheckpoint = _savedByFullSync = value; }

    /// <summary>The epoch of the last capture, per slot, that has this entry (or of its placing).</summary>
    private int _savedByCheckpoint, _savedByFullSync;

    public readonly int SavedIn(CaptureSlot slot) => slot == CaptureSlot.Checkpoint ? _savedByCheckpoint : _savedByFullSync;

    public void MarkSaved(CaptureSlot slot, int epoch)
    {
        if (slot == CaptureSlot.Checkpoint)
            _savedByCheckpoint = epoch;
        else
            _savedByFullSync = epoch;
    }
}

/// <summary>Takes, and marks, the entries a capture still needs from a step of its walk.</summary>
internal readonly struct CaptureCollector(ObjectCapture capture, List<ObjectEntry> into) : IEntryVisitor<ObjectEntry>
{
    public void Visit(ref ObjectEntry entry)
    {
        if (!capture.Needs(entry))
            return;
        capture.MarkSaved(ref entry);
        into.Add(entry);
    }
}
