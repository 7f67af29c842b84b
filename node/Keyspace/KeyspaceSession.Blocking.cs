namespace Istore.Node.Keyspace;

/// <summary>
/// Waking blocked clients: a write that stores or grows a collection at a key someone waits on
/// marks the key ready; after the command the worker serves those clients (Redis's
/// handleClientsBlockedOnKeys), so an EXEC's own pops run before any blocked client's.
/// </summary>
public sealed partial class KeyspaceSession
{
    private readonly List<byte[]> _readyKeys = [];

    private void SignalReady(ReadOnlySpan<byte> key)
    {
        if (!_db.BlockedClients.IsWaitedOn(key))
            return;
        foreach (var ready in _readyKeys)
            if (key.SequenceEqual(ready))
                return;
        _readyKeys.Add(key.ToArray());
    }

    /// <summary>After a command: serves the clients blocked on the keys it made ready.</summary>
    public void ServeBlockedClients()
    {
        if (_readyKeys.Count == 0)
            return;
        try
        {
            using var write = Lock();
            _db.BlockedClients.Serve(this, _readyKeys);
        }
        finally
        {
            _readyKeys.Clear();
        }
    }
}
