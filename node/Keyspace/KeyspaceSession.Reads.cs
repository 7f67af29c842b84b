namespace Istore.Node.Keyspace;

/// <summary>
/// Read-only collection commands (HGET, LRANGE, ZSCORE, SINTER …) run beside each other on every
/// event loop instead of in turn under the write lock (<see cref="KeyspaceLock"/>).
/// </summary>
public sealed partial class KeyspaceSession
{
    private enum ReadMode : byte { None, Shared, BehindWriter }

    private ReadMode _readMode;
    private int _readDepth;
    private KeyspaceLock.ReaderSlot? _readerSlot;

    /// <summary>Keys a shared read found expired: deleted, as a writer, once the read ends.</summary>
    private readonly List<byte[]> _expiredInRead = [];

    /// <summary>This session's thread reads beside others (an event loop's): it gets a reader slot of its own.</summary>
    public void EnableSharedReads() => _readerSlot ??= _db.Lock.Register();

    private void DisableSharedReads()
    {
        if (_readerSlot is { } slot)
            _db.Lock.Unregister(slot);
    }

    /// <summary>
    /// Holds the keyspace for a command that only reads: no writer changes anything until the
    /// scope ends, while other reads go on. Inside a write scope (EXEC, a script) it is that scope.
    /// A key found expired reads as gone (as it is for every reader) and is deleted when the scope
    /// ends, so a read of several keys never sees the keyspace change midway.
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

    /// <summary>A shared read cannot delete (writers are shut out, itself included): it leaves the key to <see cref="EndRead"/>.</summary>
    private bool DefersExpiry => _readMode == ReadMode.Shared;

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
        var mode = _readMode;
        _readMode = ReadMode.None;
        if (mode == ReadMode.BehindWriter)
        {
            _db.Lock.ExitReadBehindWriter();
            return;
        }
        if (mode != ReadMode.Shared)
            return;
        KeyspaceLock.ExitShared(_readerSlot!);
        if (_expiredInRead.Count == 0)
            return;
        foreach (var key in _expiredInRead)
            ExpireNow(key);   // checks again: a writer may have renewed it meanwhile
        _expiredInRead.Clear();
    }
}
