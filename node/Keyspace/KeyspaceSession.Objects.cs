using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Keyspace;

/// <summary>
/// Collections. A command reads the object under the write lock, changes it in place, reports the
/// change (an emptied collection loses its key) and logs itself: collection commands are
/// deterministic given the state they ran on, and the checkpoint captures collections exactly at
/// its log boundary, so replaying them in order rebuilds the same state.
/// </summary>
public sealed partial class KeyspaceSession
{
    /// <summary>
    /// The collection at <paramref name="key"/> (caller holds the keyspace lock, to write or to <see cref="Read"/>), with lazy expiry.
    /// A string there answers <see cref="KeyType.String"/> with no object (WRONGTYPE for the
    /// caller), except while replaying, where it counts as missing.
    /// </summary>
    public KeyType ReadObject(ReadOnlySpan<byte> key, out StoredObject? value)
    {
        var type = _engine.ReadObject(key, out value, out long expireAt, ReadOnly);
        if (type == KeyType.String && Replaying)
            type = KeyType.None;
        else if (type != KeyType.None && IsExpired(expireAt))
            type = ExpireNow(key);
        if (type == KeyType.None)
        {
            value = null;
            _db.KeyspaceMisses.Increment(_statsStripe);
        }
        else
        {
            _db.KeyspaceHits.Increment(_statsStripe);
            Touched(key);
        }
        return type;
    }

    /// <summary>
    /// The key as stored, expired or not (caller holds the write lock): no lazy expiry, statistics or
    /// LRU touch, as DEBUG OBJECT looks in Redis's dict. A string's bytes land in <see cref="Value"/>.
    /// </summary>
    public KeyType ReadStored(ReadOnlySpan<byte> key, out StoredObject? value)
    {
        var type = _engine.ReadObject(key, out value, out _, ReadOnly);
        if (type == KeyType.String)
            _engine.Read(key, ref Value);
        return type;
    }

    /// <summary>Expiry of a key the caller just read (Unix ms, 0 = none).</summary>
    public long ExpiryOf(ReadOnlySpan<byte> key) => _engine.Peek(key, out long expireAt) == KeyType.None ? 0 : expireAt;

    /// <summary>
    /// Stores <paramref name="value"/> at <paramref name="key"/>, replacing whatever was there (not
    /// logged: the caller logs its command). Returns the object to change from now on: the value,
    /// or the engine's own form of it.
    /// </summary>
    public StoredObject StoreObject(ReadOnlySpan<byte> key, StoredObject value, long expireAt = 0)
    {
        NotifyIfNew(key);
        var stored = _engine.WriteObject(key, value, expireAt);
        Stored(key, created: true);
        KeyChanged(key);
        SignalReady(key);
        return stored;
    }

    /// <summary>
    /// A command changed the collection at <paramref name="key"/> in place: an empty one loses its
    /// key, with Redis's "del" event after the command's own (so the command notifies first).
    /// </summary>
    public void ObjectChanged(ReadOnlySpan<byte> key, StoredObject value)
    {
        if (value.Length == 0)
        {
            _engine.Delete(key);
            Notify(PubSub.NotifyClass.Generic, "del"u8, key);
        }
        else
        {
            _engine.ObjectChanged(key, value);
            SignalReady(key);
        }
        KeyChanged(key);
    }

    /// <summary>Removes a key of any type without logging (the caller's own record replays the removal).</summary>
    public bool DeleteUnlogged(ReadOnlySpan<byte> key)
    {
        if (!_engine.Delete(key))
            return false;
        KeyChanged(key);
        SignalReady(key);
        return true;
    }

    /// <summary>Applies this command's engine writes so far, before a blocked client served from them hears its reply.</summary>
    internal void ApplyEngineWrites() => _engine.ApplyWrites();
}
