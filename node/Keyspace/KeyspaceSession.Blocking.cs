namespace Istore.Node.Keyspace;

/// <summary>
/// Waking blocked clients: a write that stores or grows a collection at a key someone waits on
/// marks the key ready; when the outermost write scope ends (the command, or a whole EXEC) the
/// clients blocked there are served before the write lock is released, so no other client can
/// take what they were waiting for (Redis's handleClientsBlockedOnKeys after each command).
/// </summary>
public sealed partial class KeyspaceSession
{
    private readonly List<byte[]> _readyKeys = [];
    private int _lockDepth;
    private bool _serving;

    private void SignalReady(ReadOnlySpan<byte> key)
    {
        if (!_db.BlockedClients.IsWaitedOn(key))
            return;
        foreach (var ready in _readyKeys)
            if (key.SequenceEqual(ready))
                return;
        _readyKeys.Add(key.ToArray());
    }

    /// <summary>
    /// A key someone may wait on was removed or became a string (DEL, SET, FLUSHALL): its waiters
    /// hear of it (a blocked XREADGROUP fails, as in Redis); served at once when no write scope
    /// will do it (the caller holds the write lock).
    /// </summary>
    private void SignalRemoved(ReadOnlySpan<byte> key)
    {
        SignalReady(key);
        if (_lockDepth == 0)
            ServeReadyKeys();
    }

    private void SignalAllRemoved()
    {
        foreach (var key in _db.BlockedClients.WaitedKeys())
            SignalReady(key);
        if (_lockDepth == 0)
            ServeReadyKeys();
    }

    /// <summary>Serves the clients blocked on the keys made ready (write lock held; serving may make more keys ready).</summary>
    private void ServeReadyKeys()
    {
        if (_readyKeys.Count == 0 || _serving)
            return;
        _serving = true;
        try
        {
            _db.BlockedClients.Serve(this, _readyKeys);
        }
        finally
        {
            _readyKeys.Clear();
            _serving = false;
        }
    }
}
