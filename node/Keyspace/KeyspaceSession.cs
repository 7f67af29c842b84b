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

    public KeyspaceSession(Database db)
    {
        _db = db;
        _engine = db.Engine.CreateSession();
    }

    /// <summary>The value of the last successful <see cref="Get"/>; reused, valid until the next read.</summary>
    public ValueBuffer Value = new(4096);

    /// <summary>Reads a string; <see cref="KeyType.None"/> when missing or expired.</summary>
    public KeyType Get(ReadOnlySpan<byte> key)
    {
        var type = ReadLive(key);
        if (type == KeyType.None) Interlocked.Increment(ref _db.KeyspaceMisses);
        else Interlocked.Increment(ref _db.KeyspaceHits);
        return type;
    }

    /// <summary>Reads into <see cref="Value"/> without touching the hit/miss statistics (lookups made by writes).</summary>
    public KeyType ReadLive(ReadOnlySpan<byte> key)
    {
        var type = _engine.Read(key, ref Value);
        return type != KeyType.None && IsExpired(Value.ExpireAt) ? ExpireNow(key) : type;
    }

    /// <summary>Type and expiry (Unix ms, 0 = none) without reading the value.</summary>
    public KeyType TypeOf(ReadOnlySpan<byte> key, out long expireAt)
    {
        var type = _engine.Peek(key, out expireAt);
        if (type != KeyType.None && IsExpired(expireAt))
        {
            expireAt = 0;
            type = ExpireNow(key);
        }
        return type;
    }

    public bool Exists(ReadOnlySpan<byte> key) => TypeOf(key, out _) != KeyType.None;

    /// <summary>Stores a string with an absolute expiry (0 = none).</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        EnsureFits(key, value.Length);
        lock (_db.WriteLock)
        {
            _engine.Write(key, value, expireAt);
            using var log = _db.Log.BeginAppend();
            var w = log.Writer;
            w.BeginRecord(expireAt == 0 ? 3 : 5);
            w.Arg("SET"u8);
            w.Arg(key);
            w.Arg(value);
            if (expireAt != 0)
            {
                w.Arg("PXAT"u8);
                w.Arg(expireAt);
            }
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
        lock (_db.WriteLock)
        {
            if (!_engine.Delete(key))
                return false;
            LogKeyCommand("DEL"u8, key);
            return true;
        }
    }

    /// <summary>Sets (or with 0 removes) a live key's expiry; a time already past deletes the key, as Redis does.</summary>
    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt)
    {
        lock (_db.WriteLock)
        {
            if (ReadLive(key) == KeyType.None)
                return false;
            if (expireAt != 0 && IsExpired(expireAt))
                return Delete(key);
            _engine.Write(key, Value.Span, expireAt);
            using var log = _db.Log.BeginAppend();
            var w = log.Writer;
            if (expireAt == 0)
            {
                w.BeginRecord(2);
                w.Arg("PERSIST"u8);
                w.Arg(key);
            }
            else
            {
                w.BeginRecord(3);
                w.Arg("PEXPIREAT"u8);
                w.Arg(key);
                w.Arg(expireAt);
            }
            return true;
        }
    }

    /// <summary>Removes every key (FLUSHALL/FLUSHDB).</summary>
    public void FlushAll()
    {
        lock (_db.WriteLock)
        {
            _engine.DeleteAll();
            using var log = _db.Log.BeginAppend();
            log.Writer.BeginRecord(1);
            log.Writer.Arg("FLUSHALL"u8);
        }
        _db.RequestMaintenance();   // give the memory back now, as Redis's FLUSHALL does
    }

    /// <summary>Holds the write lock across a read-modify-write (INCR, APPEND, SET NX…).</summary>
    public WriteScope Lock() => new(_db.WriteLock, null);

    /// <summary>
    /// Holds the write lock and frames the writes inside as one log transaction, so a crash
    /// never leaves half of a multi-key command (RENAME, MSET) applied on replay.
    /// </summary>
    public WriteScope Atomic()
    {
        var scope = new WriteScope(_db.WriteLock, _db.Log);
        LogMarker("MULTI"u8);
        return scope;
    }

    public readonly ref struct WriteScope
    {
        private readonly object _lock;
        private readonly AppendOnlyLog? _transactionLog;

        public WriteScope(object writeLock, AppendOnlyLog? transactionLog)
        {
            _lock = writeLock;
            _transactionLog = transactionLog;
            Monitor.Enter(writeLock);
        }

        public void Dispose()
        {
            if (_transactionLog is not null)
            {
                using var log = _transactionLog.BeginAppend();
                log.Writer.BeginRecord(1);
                log.Writer.Arg("EXEC"u8);
            }
            Monitor.Exit(_lock);
        }
    }

    private void LogKeyCommand(ReadOnlySpan<byte> command, ReadOnlySpan<byte> key)
    {
        using var log = _db.Log.BeginAppend();
        log.Writer.BeginRecord(2);
        log.Writer.Arg(command);
        log.Writer.Arg(key);
    }

    private void LogMarker(ReadOnlySpan<byte> marker)
    {
        using var log = _db.Log.BeginAppend();
        log.Writer.BeginRecord(1);
        log.Writer.Arg(marker);
    }

    private static bool IsExpired(long expireAt) => expireAt != 0 && expireAt <= Database.NowMs;

    /// <summary>Lazy expiry: the key is past its time, remove it now (not logged: its record carries the time).</summary>
    private KeyType ExpireNow(ReadOnlySpan<byte> key)
    {
        lock (_db.WriteLock)
        {
            if (_engine.Peek(key, out long expireAt) != KeyType.None && IsExpired(expireAt) && _engine.Delete(key))
                Interlocked.Increment(ref _db.ExpiredKeys);
        }
        return KeyType.None;
    }

    public void Dispose() => _engine.Dispose();
}
