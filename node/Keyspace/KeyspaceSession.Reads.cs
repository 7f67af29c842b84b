namespace Istore.Node.Keyspace;

/// <summary>
/// Read-only commands on one key's collection (HGET, LRANGE, ZSCORE …) run beside each other on
/// every event loop instead of in turn under the write lock (<see cref="KeyspaceLock"/>).
/// </summary>
public sealed partial class KeyspaceSession
{
    private enum ReadMode : byte { None, Shared, BehindWriter, Escalated }

    private ReadMode _readMode;
    private int _readDepth;
    private KeyspaceLock.ReaderSlot? _readerSlot;

    /// <summary>This session's thread reads beside others (an event loop's): it gets a reader slot of its own.</summary>
    public void EnableSharedReads() => _readerSlot ??= _db.Lock.Register();

    /// <summary>
    /// Holds the keyspace for a command that only reads one key: no writer changes anything until
    /// the scope ends, while other reads go on. Inside a write scope (EXEC, a script) it is that
    /// scope. A read that must delete the key it found expired becomes a writer from then on, so
    /// the scope suits commands that look up their one key before anything else.
    /// </summary>
    public ReadScope Read() => new(this);

    public readonly ref struct ReadScope
    {
        private readonly KeyspaceSession _session;

        public ReadScope(KeyspaceSession session)
        {
            _session = session;
            session.BeginRead();
        }

        public void Dispose() => _session.EndRead();
    }

    /// <summary>Whether the running command holds the keyspace only to read (its lookups must change nothing, not even a capture's bookkeeping).</summary>
    private bool ReadOnly => _readMode != ReadMode.None;

    private void BeginRead()
    {
        if (_readDepth++ > 0 || InWriteScope)
            return;
        if (_readerSlot is { } slot && _db.Lock.TryEnterShared(slot))
        {
            _readMode = ReadMode.Shared;
            return;
        }
        _db.Lock.EnterReadBehindWriter();
        _readMode = ReadMode.BehindWriter;
    }

    private void EndRead()
    {
        if (--_readDepth > 0)
            return;
        switch (_readMode)
        {
            case ReadMode.Shared:
                KeyspaceLock.ExitShared(_readerSlot!);
                break;
            case ReadMode.BehindWriter:
                _db.Lock.ExitReadBehindWriter();
                break;
            case ReadMode.Escalated:
                _db.Lock.Exit();
                break;
        }
        _readMode = ReadMode.None;
    }

    /// <summary>
    /// Takes the write lock for a change; a shared read leaves its slot first and stays a writer
    /// until its scope ends (a writer waits for every marked slot, its own included).
    /// </summary>
    private void EnterWriteLock()
    {
        if (_readMode == ReadMode.Shared)
        {
            KeyspaceLock.ExitShared(_readerSlot!);
            _db.Lock.Enter();
            _readMode = ReadMode.Escalated;
        }
        _db.Lock.Enter();
    }

    private KeyspaceLock.Held WriteLocked()
    {
        EnterWriteLock();
        return new KeyspaceLock.Held(_db.Lock);
    }

    private void DisableSharedReads()
    {
        if (_readerSlot is { } slot)
            _db.Lock.Unregister(slot);
    }
}
