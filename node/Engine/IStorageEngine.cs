using Istore.Node.Objects;

namespace Istore.Node.Engine;

/// <summary>
/// A storage engine (memory on FASTER; disk on RocksDB later). Shared by all threads; each event
/// loop works through its own <see cref="IEngineSession"/>. Engines store and find data; expiry
/// policy, logging and command semantics live above them in <see cref="Keyspace"/>.
/// </summary>
public interface IStorageEngine : IDisposable
{
    string Name { get; }

    /// <summary>The largest key plus value this engine can store.</summary>
    long MaxRecordBytes { get; }

    /// <summary>
    /// Collections are objects in the node's memory, left unchanged while pinned
    /// (<see cref="Objects.StoredObject.Pin"/>), so a long reader (a recall's merge) can read them
    /// without the keyspace lock. False for an engine whose collections are views over its storage
    /// (such a reader reads them at a snapshot instead, <see cref="IEngineSession.BeginSnapshotReads"/>).
    /// </summary>
    bool PinsObjects => false;

    /// <summary>
    /// Keys stored, including expired ones not yet removed (as Redis's DBSIZE). The disk engine
    /// may have to count them first (O(keys)): an event loop takes <see cref="KeyCountAsync"/> or
    /// <see cref="EstimatedKeyCount"/> instead.
    /// </summary>
    long KeyCount { get; }

    /// <summary><see cref="KeyCount"/>, completed at once when the engine knows it, else counted off the caller's thread.</summary>
    Task<long> KeyCountAsync() => Task.FromResult(KeyCount);

    /// <summary><see cref="KeyCount"/> when the engine knows it without counting, else an estimate (INFO keyspace).</summary>
    long EstimatedKeyCount => KeyCount;

    /// <summary>Keys stored with an expiry (INFO keyspace "expires").</summary>
    long VolatileKeyCount { get; }

    IEngineSession CreateSession();

    /// <summary>
    /// An estimate of the data held (keys, values, per-key overhead) that maxmemory limits and
    /// INFO reports as used_memory; null while the engine does not measure it (the disk engine
    /// until <see cref="MeasureDataset"/>).
    /// </summary>
    long? DatasetBytes => null;

    /// <summary>
    /// A memory limit may apply from now on: <see cref="DatasetBytes"/> must be measured. Null when
    /// it is (the memory engine always measures), else the measure under way, done when it is known;
    /// writes go on meanwhile. The caller holds the keyspace write lock.
    /// </summary>
    Task? MeasureDataset() => null;

    /// <summary>
    /// The most slots the key access table may grow to (8 bytes each, one to two per key): the
    /// disk engine holds far more keys than RAM, so its keys beyond that share slots and age together.
    /// </summary>
    long AccessTableSlots => 1L << 30;

    /// <summary>
    /// Starts a snapshot that recovery will return with <paramref name="cookie"/>. Called with the
    /// keyspace write lock held, at the log boundary the cookie names: whatever the log cannot
    /// replay idempotently (collections) is captured now, exactly; the returned task writes it
    /// out and finishes the snapshot without holding the lock (an engine may take
    /// <paramref name="writeLock"/>, the keyspace write lock, for short slices).
    /// </summary>
    Func<Task> BeginCheckpoint(byte[] cookie, Keyspace.KeyspaceLock writeLock);

    /// <summary>
    /// Captures the dataset at this point of the write stream for a replica's full sync. Called
    /// with the keyspace write lock held (<paramref name="writeLock"/>); the snapshot is written out
    /// later without holding it, save for short slices an engine may take.
    /// <paramref name="workDirectory"/> is the engine's to use for files and is removed on dispose.
    /// </summary>
    IDatasetSnapshot BeginDatasetSnapshot(string workDirectory, Keyspace.KeyspaceLock writeLock);

    /// <summary>The cookie of the checkpoint recovered at start-up, or null when starting empty.</summary>
    byte[]? RecoveredCookie { get; }

    /// <summary>Housekeeping, called every few seconds and while <see cref="WantsMaintenance"/> from one background thread (log compaction, index growth); returns early once <paramref name="stop"/> is set.</summary>
    void Maintain(CancellationToken stop);

    /// <summary>Whether <see cref="Maintain"/> has work now (the memory engine's index is crowded), polled every 100 ms.</summary>
    bool WantsMaintenance { get; }

    /// <summary>Engine figures for INFO (name, value).</summary>
    IEnumerable<(string Name, string Value)> Stats();
}

/// <summary>
/// One thread's handle on the engine. Mutations are only called with the keyspace write lock
/// held, so an engine may implement read-modify-write as read then write.
/// </summary>
public interface IEngineSession : IDisposable
{
    /// <summary>Reads a string value. Returns its type (None when missing); <paramref name="value"/> is filled for strings.</summary>
    KeyType Read(ReadOnlySpan<byte> key, ref ValueBuffer value);

    /// <summary>Some records live only on disk for now: a write command then fetches its keys first (<see cref="StartFetch"/>).</summary>
    bool HasSpilled => false;

    /// <summary>
    /// A write command is about to take the keyspace lock for <paramref name="key"/> while
    /// <see cref="HasSpilled"/>: the engine starts reading the key's record into memory, outside
    /// the lock; <see cref="FinishFetches"/> waits for every read started.
    /// </summary>
    void StartFetch(ReadOnlySpan<byte> key)
    {
    }

    void FinishFetches()
    {
    }

    /// <summary>
    /// Called under the keyspace write lock: until the returned scope ends, the collections this
    /// session has read keep reading as they are now, without the lock, and the session writes
    /// nothing. Null from an engine that pins objects instead (<see cref="IStorageEngine.PinsObjects"/>).
    /// </summary>
    IDisposable? BeginSnapshotReads() => null;

    /// <summary>Type and expiry of a key without copying its value.</summary>
    KeyType Peek(ReadOnlySpan<byte> key, out long expireAt);

    /// <summary>Stores a string value; returns true if the key was new.</summary>
    bool Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt);

    /// <summary>
    /// Reads a collection: its type and object, or <see cref="KeyType.String"/> with no object
    /// when a string holds the key, or None. <paramref name="readOnly"/>: the caller holds the
    /// keyspace lock only to read (writers are shut out, other readers are not) and changes nothing,
    /// so the engine skips what a change needs and touches nothing shared.
    /// </summary>
    KeyType ReadObject(ReadOnlySpan<byte> key, out StoredObject? value, out long expireAt, bool readOnly);

    /// <summary>
    /// Stores a collection at a key, replacing whatever the key held. Returns the object now held
    /// there: <paramref name="value"/> itself, or the engine's own form of it (a disk engine's view).
    /// </summary>
    StoredObject WriteObject(ReadOnlySpan<byte> key, StoredObject value, long expireAt);

    /// <summary>A command changed the (non-empty) collection it read from <see cref="ReadObject"/> in place.</summary>
    void ObjectChanged(ReadOnlySpan<byte> key, StoredObject value)
    {
    }

    /// <summary>The keyspace write lock was taken for a command (outermost scope only).</summary>
    void BeginCommand()
    {
    }

    /// <summary>Inside a command: gather every write until its end into one batch, strings too (a bulk load).</summary>
    void BatchWrites()
    {
    }

    /// <summary>
    /// This session never asks the key count while a batch of its writes is pending (it applies a
    /// master's stream): a batched string write may skip reading whether its key existed.
    /// </summary>
    void CountKeysOnlyBetweenBatches()
    {
    }

    /// <summary>The command is done, before the write lock is released: an engine that batches a command's writes applies them now.</summary>
    void EndCommand()
    {
    }

    /// <summary>
    /// The command failed part-way (a handler threw), before the write lock is released: undo its
    /// writes if the engine can. True when nothing of the command was applied, so its log records
    /// must go too; false when its writes so far stand (an engine that changes data in place).
    /// </summary>
    bool AbortCommand()
    {
        EndCommand();
        return false;
    }

    /// <summary>The key and keys-with-expiry counts this command changed and has not applied yet (DBSIZE inside an EXEC).</summary>
    (long Keys, long Volatile) UnappliedCounts => default;

    /// <summary>Applies the command's writes so far, before another client is told of them (a served blocked pop); the command goes on.</summary>
    void ApplyWrites()
    {
    }

    /// <summary>
    /// INCRBY in one engine operation where the engine can do it in place: adds <paramref name="by"/>
    /// to the integer string at the key, keeping its expiry (returned). False, with nothing changed,
    /// for anything else — a missing key, a collection, a string that expires at or before
    /// <paramref name="expiredBy"/> (Unix ms), not an integer, an overflow, a sum that does not fit
    /// in place — and the caller reads and writes instead.
    /// </summary>
    bool TryIncrementInPlace(ReadOnlySpan<byte> key, long by, long expiredBy, out long result, out long expireAt)
    {
        (result, expireAt) = (0, 0);
        return false;
    }

    /// <summary>
    /// A new expiry (not 0) for a key the engine can re-time in one operation in place (the memory
    /// engine: a string that has an expiry, live at <paramref name="expiredBy"/>). False, with
    /// nothing changed, for anything else: the caller looks the key up and calls <see cref="SetExpiry"/>.
    /// </summary>
    bool TrySetExpiryInPlace(ReadOnlySpan<byte> key, long expireAt, long expiredBy) => false;

    /// <summary>
    /// Applies <paramref name="edit"/> to the live string at the key in one engine operation, in
    /// place, keeping its expiry (the memory engine: a record in the mutable region; the disk engine:
    /// a value the edit leaves as it is, or a copy written back). False, with
    /// nothing changed, for anything else (a missing key, a collection, a string expired at
    /// <paramref name="expiredBy"/>, an edit that declines): the caller reads and writes instead.
    /// </summary>
    bool TryEditInPlace(ReadOnlySpan<byte> key, IStringEdit edit, long expiredBy, out bool changed)
    {
        changed = false;
        return false;
    }

    /// <summary>Changes a key's expiry (0 = none), whatever its type; false when the key is missing.</summary>
    bool SetExpiry(ReadOnlySpan<byte> key, long expireAt);

    /// <summary>Removes a key; returns true if it existed.</summary>
    bool Delete(ReadOnlySpan<byte> key);

    /// <summary>
    /// Visits up to about <paramref name="count"/> stored keys from <paramref name="cursor"/> (0 = start),
    /// each once per pass, with their type and expiry. Returns the next cursor, 0 when the pass is done.
    /// With <paramref name="expiredBy"/> (Unix ms) only keys whose expiry is at or before it are visited.
    /// </summary>
    long Scan(long cursor, int count, KeyVisitor visitor, long expiredBy = 0);

    /// <summary>A cursor at a random place in the keyspace (RANDOMKEY scans from it).</summary>
    long RandomCursor();
}

public delegate void KeyVisitor(ReadOnlySpan<byte> key, KeyType type, long expireAt);
