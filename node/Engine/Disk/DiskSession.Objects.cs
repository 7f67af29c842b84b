using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// Hashes, sets, lists, sorted sets, ranklists, bloom filters and streams, and the per-command batch. From the moment a command (one keyspace
/// write-lock scope) reads or stores a collection, every write it makes, string or collection, goes to
/// <see cref="Pending"/>, every read sees those writes, and at <see cref="EndCommand"/> they are
/// applied as one batch with the count changes: SMOVE, RENAME of a hash or an EXEC is all or
/// nothing in the WAL. Commands that touch only strings keep the direct paths of DiskSession.cs.
/// </summary>
internal sealed partial class DiskSession
{
    private readonly PendingWrites _pending = new(engine);
    private bool _inCommand;
    private bool _collecting;
    private bool _versionsUsed;

    internal DiskEngine Engine => engine;

    internal PendingWrites Pending => _pending;

    public void BeginCommand()
    {
        DropReadAhead();   // a write may follow: nothing read before it is served after it
        _inCommand = true;
        _appliedInCommand = false;
    }

    public void EndCommand()
    {
        _inCommand = false;
        Commit();
    }

    public void BatchWrites()
    {
        if (_inCommand)
            StartCollecting();
    }

    /// <summary>A string write of this command went straight to the database (before it started collecting).</summary>
    private bool _appliedInCommand;

    /// <summary>
    /// Drops the command's pending batch, so the WAL never holds a command half done, unless some
    /// of its writes were already applied directly: then the rest is applied too, and it stands whole.
    /// </summary>
    public bool AbortCommand()
    {
        _inCommand = false;
        if (_appliedInCommand || !_collecting)
        {
            Commit();
            return !_appliedInCommand;
        }
        try
        {
            _pending.Discard();
            _versionsUsed = false;
            ForgetStreams();
        }
        finally
        {
            _collecting = false;
            Monitor.Exit(engine.CountLock);
        }
        return true;
    }

    /// <summary>A collection answers a view over its subkeys; a string its type with no object.</summary>
    public KeyType ReadObject(ReadOnlySpan<byte> key, out StoredObject? value, out long expireAt, bool readOnly)
    {
        if (_inCommand)
            StartCollecting();
        value = null;
        expireAt = 0;
        if (!_pending.TryGet(_metadata, key, out var record))
            return KeyType.None;
        using (record)
        {
            (var type, expireAt) = DiskFormat.ReadHeader(record.Span);
            if (type == KeyType.Stream)
                value = OpenStream(key, record.Span, expireAt);
            else if (type != KeyType.String)
                value = View(new SubkeyStore(this, key, DiskFormat.ReadCollection(record.Span, type, expireAt)));
            return type;
        }
    }

    /// <summary>Stores a collection under a new version (the key's old subkeys become garbage for the compaction filter).</summary>
    public StoredObject WriteObject(ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        bool commit = StartPending();
        try
        {
            CountReplacement(key, expireAt);
            var elements = new SubkeyStore(this, key, new CollectionMetadata(value.Type, expireAt, engine.Versions.Next(), Size: 0));
            _versionsUsed = true;
            if (value is Objects.Streams.StreamValue stream)
                return StoreStream(key, elements, stream);
            switch (value)
            {
                case SortedSetValue zset:   // before IDiskCollection: the score index is copied too
                    DiskSortedSet.Fill(elements, zset);
                    break;
                case RankListValue list:
                    DiskRankList.Fill(elements, list);
                    break;
                case BloomValue bloom:
                    DiskBloom.Fill(elements, bloom);
                    break;
                case IDiskCollection disk:
                    elements.CopyFrom(disk.Elements);
                    (elements.Head, elements.Tail) = (disk.Elements.Head, disk.Elements.Tail);
                    break;
                case ListValue list:
                    DiskList.Fill(elements, list);
                    break;
                case HashValue hash:
                    foreach (var pair in hash)
                        elements.PutNew(pair.Field, pair.Value);
                    break;
                case SetValue set:
                    foreach (var member in set)
                        elements.PutNew(member.Key, []);
                    break;
            }
            elements.WriteMetadata();
            return View(elements);
        }
        finally
        {
            if (commit)
                Commit();
        }
    }

    public void ObjectChanged(ReadOnlySpan<byte> key, StoredObject value)
    {
        if (value is IDiskCollection disk)
            disk.Save();
        else if (value is DiskStream stream)
            stream.Save();
    }

    /// <summary>
    /// Until the scope ends, this session's collection reads see the database as it is now, and it
    /// writes nothing: a recall merges its lists this way without the keyspace lock.
    /// </summary>
    public IDisposable BeginSnapshotReads() => new SnapshotReads(this);

    private sealed class SnapshotReads : IDisposable
    {
        private readonly DiskSession _session;
        private readonly Native.Snapshot _snapshot;

        public SnapshotReads(DiskSession session)
        {
            _session = session;
            session.Engine.SnapshotReadsBegin();   // before the snapshot: see MayDropStaleElements
            _snapshot = session._db.CreateSnapshot();
            session._pending.ReadAt(_snapshot);
        }

        public void Dispose()
        {
            _session._pending.ReadAt(null);
            _snapshot.Dispose();
            _session.Engine.SnapshotReadsEnd();
        }
    }

    private Ranklist.MemberTable? _recallMembers;

    /// <summary>The member table of this session's next recall over disk ranklists, emptied (one recall at a time per event loop).</summary>
    internal Ranklist.MemberTable RecallMembers()
    {
        _recallMembers ??= new Ranklist.MemberTable();
        _recallMembers.Clear();
        return _recallMembers;
    }

    /// <summary>Rewrites the key's metadata header with the new expiry, whatever its type (a collection's subkeys stay).</summary>
    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt)
    {
        bool commit = StartPending();
        try
        {
            if (!_pending.TryGet(_metadata, key, out var record))
                return false;
            using (record)
            {
                var updated = Record(record.Span.Length);
                record.Span.CopyTo(updated);
                _pending.VolatileDelta += (expireAt != 0 ? 1 : 0) - (DiskFormat.ExpireAt(updated) != 0 ? 1 : 0);
                StreamExpiryChanged(key, expireAt);
                DiskFormat.SetExpireAt(updated, expireAt);
                _pending.Put(_metadata, key, updated);
            }
            return true;
        }
        finally
        {
            if (commit)
                Commit();
        }
    }

    private static StoredObject View(SubkeyStore elements) => elements.Type switch
    {
        KeyType.Hash => new DiskHash(elements),
        KeyType.Set => new DiskSet(elements),
        KeyType.ZSet => new DiskSortedSet(elements),
        KeyType.RankList => new DiskRankList(elements),
        KeyType.Bloom => new DiskBloom(elements),
        _ => new DiskList(elements),
    };

    /// <summary>Routes writes through the pending batch; true when the caller must commit it (no command scope will).</summary>
    private bool StartPending()
    {
        StartCollecting();
        return !_inCommand;
    }

    /// <summary>
    /// From here to <see cref="Commit"/> writes are batched, and the count lock is held, as the direct
    /// paths hold it from reading a key's old record to writing: the compaction filter does not count
    /// out a record this command has read and is about to replace.
    /// </summary>
    private void StartCollecting()
    {
        if (_collecting)
            return;
        Monitor.Enter(engine.CountLock);
        _collecting = true;
    }

    /// <summary>Applies the pending batch, if any, and returns to the direct string paths.</summary>
    private void Commit()
    {
        if (!_collecting)
            return;
        try
        {
            ApplyWrites();
        }
        finally
        {
            ForgetStreams();
            _collecting = false;
            Monitor.Exit(engine.CountLock);
        }
    }

    public (long Keys, long Volatile) UnappliedCounts => (_pending.KeyDelta, _pending.VolatileDelta);

    public void ApplyWrites()
    {
        SaveStreams();
        if (_pending.IsEmpty)
            return;
        if (_versionsUsed)
            engine.Versions.Persist(_pending, engine.Default);
        _versionsUsed = false;
        _pending.Commit(engine);
    }

    private bool WritePending(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        // Counted, unlike the direct path's blind SET, unless this session never asks the count
        // inside a batch: a DBSIZE inside this batch's EXEC adds the batch's counts to a recount
        // that cannot see the batch yet. A replica's stream has no DBSIZE, and the read was most
        // of its SET's time.
        bool created = _blindBatchedStrings && expireAt == 0 && engine.VolatileKeyCount == 0 && _pending.VolatileDelta == 0
            ? BlindWrite()
            : CountReplacement(key, expireAt);
        ForgetStream(key);
        var record = Record(DiskFormat.HeaderBytes + value.Length);
        DiskFormat.WriteString(record, value, expireAt);
        _pending.Put(_metadata, key, record);
        return created;
    }

    /// <summary>Set for a session that applies a master's stream (see <see cref="IEngineSession.CountKeysOnlyBetweenBatches"/>).</summary>
    private bool _blindBatchedStrings;

    public void CountKeysOnlyBetweenBatches() => _blindBatchedStrings = true;

    /// <summary>
    /// A write that does not count its key, as the direct path's (no key has an expiry, so neither
    /// had the record it replaces): the key count is recounted when next asked for.
    /// </summary>
    private bool BlindWrite()
    {
        engine.NoteUncountedWrite();
        return false;
    }

    private bool DeletePending(ReadOnlySpan<byte> key)
    {
        if (!Existing(key, out bool hadExpiry))
            return false;
        ForgetStream(key);
        _pending.Delete(_metadata, key);
        _pending.KeyDelta--;
        _pending.VolatileDelta -= hadExpiry ? 1 : 0;
        return true;
    }

    /// <summary>Counts a key about to be (re)written with <paramref name="expireAt"/>; true when it is new.</summary>
    private bool CountReplacement(ReadOnlySpan<byte> key, long expireAt)
    {
        bool existed = Existing(key, out bool hadExpiry);
        _pending.KeyDelta += existed ? 0 : 1;
        _pending.VolatileDelta += (expireAt != 0 ? 1 : 0) - (hadExpiry ? 1 : 0);
        return !existed;
    }

    /// <summary>The session's record buffer, at least <paramref name="size"/> bytes, as a span of exactly that size.</summary>
    private Span<byte> Record(int size)
    {
        if (_record.Length < size)
            _record = GC.AllocateUninitializedArray<byte>(Math.Max(size, _record.Length * 2));
        return _record.AsSpan(0, size);
    }
}
