using Istore.Node.Engine;
using Istore.Node.Persistence;

namespace Istore.Node.Keyspace;

/// <summary>
/// One thread's view of the database, engine-agnostic: lazy expiry on every read, and one path
/// for every write that applies the effect and appends it to the log. Logged effects are
/// absolute (SET with PXAT, DEL, PEXPIREAT, PERSIST), so replaying a record twice is harmless.
/// </summary>
public sealed partial class KeyspaceSession : IDisposable
{
    private readonly Database _db;
    private readonly IEngineSession _engine;

    /// <param name="replaying">
    /// A session that re-applies logged commands at start-up: it logs nothing, expires nothing
    /// (a command is replayed against the state it first saw), and lets collection commands ignore
    /// a string at their key (the string store's snapshot may be ahead of the log; a later record
    /// rewrites that string).
    /// </param>
    public KeyspaceSession(Database db, bool replaying = false)
    {
        _db = db;
        _engine = db.Engine.CreateSession();
        Replaying = replaying;
        _access = replaying ? null : db.Access;
    }

    private readonly int _statsStripe = StripedCounter.NewStripe();

    private readonly AccessTable? _access;

    /// <summary>
    /// The running command leaves keys' last-use times and counters alone (CLIENT NO-TOUCH, OBJECT,
    /// housekeeping); writes still stamp the keys they store.
    /// </summary>
    public bool NoTouch { get; set; }

    /// <summary>The key the running command last used: its read-modify-write counts as one use, as in Redis.</summary>
    private uint _usedTag;

    /// <summary>A command starts (each one of an EXEC too): nothing of it has been counted yet.</summary>
    public void CommandStarts() => _usedTag = 0;

    /// <summary>The key's access-table tag, its bucket prefetched (0 without a table): taken before the engine's lookup.</summary>
    private uint PrefetchAccess(ReadOnlySpan<byte> key)
    {
        if (_access is null)
            return 0;
        uint tag = AccessTable.Tag(key);
        _access.Prefetch(tag);
        return tag;
    }

    /// <summary>A command used the key: the access table stamps it (LRU clock, LFU counter).</summary>
    private void Touched(ReadOnlySpan<byte> key) => Touched(_access is null ? 0 : AccessTable.Tag(key));

    private void Touched(uint tag)
    {
        if (_access is null || NoTouch)
            return;
        _usedTag = tag;
        _access.Touch(tag);
    }

    /// <summary>A command stored the key: a new key starts afresh; an overwrite counts as a use unless its read did.</summary>
    private void Stored(ReadOnlySpan<byte> key, bool created) => Stored(_access is null ? 0 : AccessTable.Tag(key), created);

    private void Stored(uint tag, bool created)
    {
        if (_access is null || (NoTouch && !created))
            return;
        if (!created && tag == _usedTag)
            return;
        _usedTag = tag;
        _access.Touch(tag, created);
    }

    /// <summary>TOUCH: the key counts as used.</summary>
    public void Touch(ReadOnlySpan<byte> key) => Touched(key);

    public bool Replaying { get; }

    /// <summary>A replica's stream applier: no DBSIZE runs inside its batches (see <see cref="IEngineSession.CountKeysOnlyBetweenBatches"/>).</summary>
    public void CountKeysOnlyBetweenBatches() => _engine.CountKeysOnlyBetweenBatches();

    public Database Database => _db;

    /// <summary>DBSIZE as this session sees it: the engine's count with the running command's writes.</summary>
    public long KeyCount => _db.Engine.KeyCount + _engine.UnappliedCounts.Keys;

    /// <summary><see cref="KeyCount"/> without waiting for a count (see <see cref="IStorageEngine.EstimatedKeyCount"/>).</summary>
    public long EstimatedKeyCount => _db.Engine.EstimatedKeyCount + _engine.UnappliedCounts.Keys;

    /// <summary>Keys with an expiry, as this session sees them (INFO keyspace).</summary>
    public long VolatileKeyCount => _db.Engine.VolatileKeyCount + _engine.UnappliedCounts.Volatile;

    /// <summary>The value of the last successful <see cref="Get"/>; reused, valid until the next read.</summary>
    public ValueBuffer Value = new(4096);

    /// <summary>Reads a string (its first <paramref name="prefix"/> bytes only when not 0, as <see cref="ReadLivePrefix"/>); <see cref="KeyType.None"/> when missing or expired.</summary>
    public KeyType Get(ReadOnlySpan<byte> key, int prefix = 0)
    {
        var type = prefix == 0 ? ReadLive(key) : ReadLivePrefix(key, prefix);
        if (type == KeyType.None)
        {
            _db.KeyspaceMisses.Increment(_statsStripe);
            Notify(PubSub.NotifyClass.KeyMiss, "keymiss"u8, key);
        }
        else
        {
            _db.KeyspaceHits.Increment(_statsStripe);
        }
        return type;
    }

    /// <summary>Reads into <see cref="Value"/> without touching the hit/miss statistics (lookups made by writes).</summary>
    public KeyType ReadLive(ReadOnlySpan<byte> key)
    {
        AwaitAtomicWrite();
        uint tag = PrefetchAccess(key);
        var type = _engine.Read(key, ref Value);
        if (type == KeyType.None)
            return type;
        if (IsExpired(Value.ExpireAt))
            return ExpireNow(key);
        Touched(tag);
        return type;
    }

    /// <summary>
    /// <see cref="ReadLive"/> that copies only a string's first <paramref name="bytes"/> into
    /// <see cref="Value"/> (its whole length in <see cref="ValueBuffer.FullLength"/>): a header is
    /// all PFCOUNT needs to answer from a HyperLogLog's cached count.
    /// </summary>
    public KeyType ReadLivePrefix(ReadOnlySpan<byte> key, int bytes)
    {
        Value.Prefix = bytes;
        try
        {
            return ReadLive(key);
        }
        finally
        {
            Value.Prefix = 0;
        }
    }

    /// <summary>Type and expiry (Unix ms, 0 = none) without reading the value.</summary>
    public KeyType TypeOf(ReadOnlySpan<byte> key, out long expireAt)
    {
        AwaitAtomicWrite();
        var type = _engine.Peek(key, out expireAt);
        if (type != KeyType.None && IsExpired(expireAt))
        {
            expireAt = 0;
            type = ExpireNow(key);
        }
        return type;
    }

    /// <summary>A lock-free read waits out an atomic write in progress elsewhere (<see cref="Database.AtomicSequence"/>).</summary>
    private void AwaitAtomicWrite()
    {
        if ((Volatile.Read(ref _db.AtomicSequence) & 1) != 0 && !InWriteScope)
        {
            _db.Lock.EnterReadBehindWriter();
            _db.Lock.ExitReadBehindWriter();
        }
    }

    /// <summary>Starts a lock-free read of several keys: the atomic-write sequence it must still see at its end (<see cref="HeldAtomicSequence"/>).</summary>
    public long BeginSeveralKeyRead()
    {
        AwaitAtomicWrite();
        return Volatile.Read(ref _db.AtomicSequence);
    }

    /// <summary>Whether no atomic write began since <see cref="BeginSeveralKeyRead"/> (one under way then was waited out).</summary>
    public bool HeldAtomicSequence(long sequence) => (sequence & 1) == 0 && Volatile.Read(ref _db.AtomicSequence) == sequence;

    /// <summary>Whether this session holds the write lock (its reads need no check).</summary>
    public bool InWriteScope => _lockDepth > 0 || _db.Lock.IsHeld;

    /// <inheritdoc cref="IEngineSession.BeginSnapshotReads"/>
    public IDisposable? BeginSnapshotReads() => _engine.BeginSnapshotReads();

    /// <summary>Whether the key is live; like Redis's EXISTS it leaves the key's access time alone.</summary>
    public bool Exists(ReadOnlySpan<byte> key) => TypeOf(key, out _) != KeyType.None;

    /// <summary>Stores a string with an absolute expiry (0 = none).</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        EnsureFits(key, value.Length);
        uint tag = PrefetchAccess(key);
        using (_db.Lock.Hold())
        {
            NotifyIfNew(key);
            Stored(tag, _engine.Write(key, value, expireAt));
            KeyChanged(key);
            SignalRemoved(key);
            LogSet(key, value, expireAt);
        }
    }

    /// <summary>Logs a string's new value as an absolute SET (with PXAT when it expires).</summary>
    private void LogSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        using var log = BeginRecord(expireAt == 0 ? 3 : 5);
        var w = log.Writer;
        w.Arg("SET"u8);
        w.Arg(key);
        w.Arg(value);
        if (expireAt != 0)
        {
            w.Arg("PXAT"u8);
            w.Arg(expireAt);
        }
    }

    /// <summary>
    /// Stores a string like <see cref="Set"/> but logs <paramref name="command"/> instead of the
    /// whole value: a command that rebuilds this value from any later state of the key as well as
    /// from the one it ran on (SETBIT, PFADD into a dense HyperLogLog), so a write to a large value
    /// costs a small record.
    /// </summary>
    public void SetLoggedAs(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt, Istore.Net.Resp.CommandArgs command)
    {
        EnsureFits(key, value.Length);
        using (_db.Lock.Hold())
        {
            NotifyIfNew(key);
            Stored(key, _engine.Write(key, value, expireAt));
            KeyChanged(key);
            LogCommand(command);
        }
    }

    /// <summary>Refuses a value the engine cannot hold, before anything is written (multi-key commands check every pair first).</summary>
    public void EnsureFits(ReadOnlySpan<byte> key, long valueLength)
    {
        if (key.Length + valueLength > _db.Engine.MaxRecordBytes)
            throw new EngineLimitException(
                $"ERR key and value exceed the {_db.Engine.Name} engine's limit of {_db.Engine.MaxRecordBytes} bytes (see --page-size)");
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        using (_db.Lock.Hold())
        {
            if (!_engine.Delete(key))
                return false;
            KeyChanged(key);
            SignalRemoved(key);
            LogKeyCommand("DEL"u8, key);
            return true;
        }
    }

    /// <summary>Sets (or with 0 removes) a live key's expiry; a time already past deletes the key, as Redis does.</summary>
    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt)
    {
        using (_db.Lock.Hold())
        {
            if (TypeOf(key, out _) == KeyType.None)
                return false;
            if (expireAt != 0 && IsExpired(expireAt))
                return Delete(key);
            RetimeLive(key, expireAt);
            return true;
        }
    }

    /// <summary>
    /// Re-times a live key to <paramref name="expireAt"/>, which the caller found in the future by its
    /// own reading of the clock (EXPIRE, as Redis's command time snapshot): a command that ran
    /// slowly (a JIT, a wait for the lock) sets a time just past, which expires the key at its next
    /// access, rather than deleting it as if the time given had been past. 0 removes the expiry (PERSIST).
    /// </summary>
    public void RetimeLive(ReadOnlySpan<byte> key, long expireAt)
    {
        using (_db.Lock.Hold())
        {
            _engine.SetExpiry(key, expireAt);
            ExpiryChanged(key, expireAt);
        }
    }

    private void ExpiryChanged(ReadOnlySpan<byte> key, long expireAt)
    {
        KeyChanged(key);
        if (expireAt == 0)
        {
            LogKeyCommand("PERSIST"u8, key);
            return;
        }
        using var log = BeginRecord(3);
        var w = log.Writer;
        w.Arg("PEXPIREAT"u8);
        w.Arg(key);
        w.Arg(expireAt);
    }

    /// <summary>Removes every key (FLUSHALL/FLUSHDB).</summary>
    public void FlushAll()
    {
        using (_db.Lock.Hold())
        {
            _db.Watchers.AllChanged(key => _engine.Peek(key, out _) != KeyType.None);
            _db.Tracking.AllChanged();
            _engine.DeleteAll();
            _db.Access.Clear();
            SignalAllRemoved();
            LogMarker("FLUSHALL"u8, change: true);
        }
        _db.RequestMaintenance();   // give the memory back now, as Redis's FLUSHALL does
    }

    /// <summary>Holds the write lock across a read-modify-write (INCR, APPEND, SET NX…).</summary>
    public WriteScope Lock() => new(this, transaction: false);

    /// <summary>
    /// Holds the write lock and frames the writes inside as one log transaction, so a crash
    /// never leaves half of a multi-key command (RENAME, MSET) or of an EXEC applied on replay;
    /// an engine with its own log gathers them into one batch for the same reason.
    /// Re-entrant: a scope inside another (RENAME inside EXEC) joins the outer group. As Redis
    /// propagates, a group is framed only once it has two records: one that writes nothing (a
    /// read-only EXEC) costs no log bytes, and one record alone is written bare.
    /// </summary>
    public WriteScope Atomic() => new(this, transaction: true);

    private int _atomicDepth;
    /// <summary>Records the open group has written.</summary>
    private int _groupRecords;
    /// <summary>Where the group's first record starts among the running command's log bytes: its MULTI goes there once a second record comes.</summary>
    private int _groupStart;

    private static ReadOnlySpan<byte> MultiMarker => "*1\r\n$5\r\nMULTI\r\n"u8;

    public readonly ref struct WriteScope
    {
        private readonly KeyspaceSession _session;
        private readonly bool _transaction;

        public WriteScope(KeyspaceSession session, bool transaction)
        {
            _session = session;
            _transaction = transaction;
            session._db.Lock.Enter();
            if (session._lockDepth++ == 0)
            {
                session._failed = false;
                session._engine.BeginCommand();
                if (!session.Replaying)
                    session._db.Log.BeginCommand();
            }
            if (transaction && session._atomicDepth++ == 0)
            {
                Interlocked.Increment(ref session._db.AtomicSequence);
                session._engine.BatchWrites();   // the disk engine applies MSET, DEL k1 k2, EXEC… as one WriteBatch: all or nothing in its WAL
            }
        }

        public void Dispose()
        {
            bool outermostAtomic = _transaction && --_session._atomicDepth == 0;
            try
            {
                if (outermostAtomic && _session._groupRecords > 0)
                {
                    if (_session._groupRecords > 1)
                        _session.LogMarker("EXEC"u8, change: false);
                    _session._groupRecords = 0;
                }
                if (--_session._lockDepth == 0)
                    _session.EndCommand();
            }
            finally
            {
                if (outermostAtomic)
                    Interlocked.Increment(ref _session._db.AtomicSequence);
                _session._db.Lock.Exit();
            }
        }
    }

    /// <summary>Set when a handler throws inside a write scope (seen by <see cref="NoteFailure"/> before the scope unwinds).</summary>
    private bool _failed;

    /// <summary>
    /// For an exception filter around a command: marks the running command failed, so its write
    /// scope rolls it back (where the engine can) instead of committing half of it, and drops its
    /// log records with it. Always false (the filter only observes).
    /// </summary>
    public bool NoteFailure()
    {
        if (_lockDepth > 0)
            _failed = true;
        return false;
    }

    /// <summary>
    /// The outermost write scope ends: serve blocked clients and apply the command, or after a
    /// failure roll it back; either way its log records follow what the engine kept.
    /// </summary>
    private void EndCommand()
    {
        bool kept = true;
        // A failed serve (a refused disk write) must still end the engine's command, or its batch and count lock stay held.
        try
        {
            if (!_failed)
                ServeReadyKeys();
        }
        finally
        {
            if (_failed)
                kept = !_engine.AbortCommand();
            else
                _engine.EndCommand();
            if (!Replaying)
                _db.Log.EndCommand(kept);
        }
    }

    /// <summary>
    /// Opens one log record of <paramref name="argCount"/> arguments; the caller holds the write
    /// lock and writes exactly that many arguments. While replaying, records go to a scratch buffer.
    /// </summary>
    public RecordScope BeginRecord(int argCount, bool change = true)
    {
        if (Unlogged)
        {
            var scratch = new RecordScope(_replayScratch);
            scratch.Writer.BeginRecord(argCount);
            return scratch;
        }
        if (_atomicDepth > 0 && !Replaying)
        {
            if (_groupRecords == 0)
                _groupStart = _db.Log.RunningCommandLength;
            else if (_groupRecords == 1)
                _db.Log.InsertIntoCommand(_groupStart, MultiMarker);
            _groupRecords++;
        }
        var scope = Replaying ? new RecordScope(_replayScratch) : new RecordScope(_db.Log.BeginAppend(change));
        Logged |= !Replaying;
        scope.Writer.BeginRecord(argCount);
        return scope;
    }

    private readonly LogRecordWriter _replayScratch = LogRecordWriter.Discarding();

    /// <summary>Set when this session appends a record to the log; the event loop clears it once it has seen it.</summary>
    public bool Logged { get; set; }

    /// <summary>A script's redis.set_repl(REPL_NONE) is in force for the command it runs: its records are dropped.</summary>
    public bool Unlogged { get; set; }

    public readonly ref struct RecordScope
    {
        private readonly AppendOnlyLog.AppendScope _append;
        private readonly LogRecordWriter? _scratch;

        internal RecordScope(AppendOnlyLog.AppendScope append) => _append = append;

        internal RecordScope(LogRecordWriter scratch)
        {
            scratch.Reset();
            _scratch = scratch;
        }

        internal LogRecordWriter Writer => _scratch ?? _append.Writer;

        public void Arg(ReadOnlySpan<byte> value) => Writer.Arg(value);

        public void Arg(long value) => Writer.Arg(value);

        public void Dispose()
        {
            if (_scratch is null)
                _append.Dispose();
        }
    }

    /// <summary>
    /// Logs a command exactly as it was received (collection commands are deterministic given the
    /// state they ran on); <paramref name="change"/> false for one that changes no data (PUBLISH).
    /// </summary>
    public void LogCommand(Istore.Net.Resp.CommandArgs args, bool change = true)
    {
        using var log = BeginRecord(args.Count, change);
        for (int i = 0; i < args.Count; i++)
            log.Arg(args[i]);
    }

    private void LogKeyCommand(ReadOnlySpan<byte> command, ReadOnlySpan<byte> key)
    {
        using var log = BeginRecord(2);
        log.Arg(command);
        log.Arg(key);
    }

    private void LogMarker(ReadOnlySpan<byte> marker, bool change)
    {
        using var log = BeginRecord(1, change);
        log.Arg(marker);
    }

    private bool IsExpired(long expireAt) => expireAt != 0 && !Replaying && expireAt <= Database.NowMs;

    /// <summary>For an engine's in-place update: expiries at or before this are past (as <see cref="IsExpired"/>: replay expires nothing).</summary>
    private long ExpiredBy => Replaying ? long.MinValue : Database.NowMs;

    /// <summary>Lazy expiry: the key is past its time, remove it now (not logged: its record carries the time).</summary>
    private KeyType ExpireNow(ReadOnlySpan<byte> key)
    {
        if (!_db.ExpiresKeys)
            return KeyType.None;
        if (DefersExpiry)
        {
            _expiredInRead.Add(key.ToArray());
            return KeyType.None;
        }
        using (_db.Lock.Hold())
        {
            if (_engine.Peek(key, out long expireAt) != KeyType.None && IsExpired(expireAt) && _engine.Delete(key))
            {
                Interlocked.Increment(ref _db.ExpiredKeys);
                Notify(PubSub.NotifyClass.Expired, "expired"u8, key);
                _db.Watchers.KeyChanged(key);
                _db.Tracking.KeyChanged(key, writer: null);   // nobody's own write: NOLOOP clients hear it too
                // Replay expires nothing, so without this a later command logged as received (SADD
                // on the key) would replay onto the stale value, which then expires with it. Redis
                // logs the same DEL.
                LogKeyCommand("DEL"u8, key);
            }
        }
        return KeyType.None;
    }

    /// <summary>The connection whose command runs on this session now (null for housekeeping and replay).</summary>
    public Istore.Net.Server.Connection? Current { get; set; }

    /// <summary>
    /// A write command ran on the key without changing it (LTRIM keeping every element): as
    /// Redis's signalModifiedKey, WATCH and client-side caching still learn of it; nothing is stored or logged.
    /// </summary>
    public void SignalModified(ReadOnlySpan<byte> key) => KeyChanged(key);

    /// <summary>A key changed: WATCH, client-side caching and blocked clients learn of it here.</summary>
    private void KeyChanged(ReadOnlySpan<byte> key)
    {
        _db.Watchers.KeyChanged(key);
        _db.Tracking.KeyChanged(key, Current);
    }

    /// <summary>
    /// A keyspace notification for a change this session made (Redis's notifyKeyspaceEvent):
    /// commands state their event once, where they know the key changed; free while notifications are off.
    /// </summary>
    public void Notify(PubSub.NotifyClass type, ReadOnlySpan<byte> evt, ReadOnlySpan<byte> key)
    {
        if (!Replaying)
            _db.Events.Notify(type, evt, key, Current);
    }

    /// <summary>The "new" event (class n) for a key about to be created; looks only while someone wants it.</summary>
    internal void NotifyIfNew(ReadOnlySpan<byte> key)
    {
        if (_db.Events.Wants(PubSub.NotifyClass.New) && !Replaying && _engine.Peek(key, out _) == KeyType.None)
            Notify(PubSub.NotifyClass.New, "new"u8, key);
    }

    public void Dispose()
    {
        DisableSharedReads();
        _engine.Dispose();
    }
}
