using Istore.Net.Server;
using Istore.Node.Engine.Disk.Native;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// One thread's handle on the disk engine: its own write batch and encoding buffer. A command that
/// touches a collection batches all its writes instead (see DiskSession.Objects.cs): while
/// <see cref="_collecting"/>, the string paths below go through that batch.
/// </summary>
internal sealed partial class DiskSession(DiskEngine engine) : IEngineSession, IBulkDelete
{
    private readonly RocksDb _db = engine.Db;
    private readonly ColumnFamily _metadata = engine.Metadata;
    private readonly WriteBatch _batch = new();

    /// <summary>A record buffer grown past this (a large value's) is let go once the value is written.</summary>
    private const int KeepRecordBytes = 1 << 20;

    private byte[] _record = new byte[256];
    private byte[] _edited = [];

    public KeyType Read(ReadOnlySpan<byte> key, ref ValueBuffer value)
    {
        if (_aheadCount > 0 && TryTakeReadAhead(key, out nint slice))
        {
            using var ahead = new PinnedValue(slice);
            return slice == 0 ? KeyType.None : ReadRecord(ahead.Span, ref value);
        }
        if (!TryGetMetadata(key, out var record))
            return KeyType.None;
        using (record)
            return ReadRecord(record.Span, ref value);
    }

    private static KeyType ReadRecord(ReadOnlySpan<byte> record, ref ValueBuffer value)
    {
        var (type, expireAt) = DiskFormat.ReadHeader(record);
        value.Set(type == KeyType.String ? DiskFormat.StringValue(record) : default, expireAt);
        return type;
    }

    public KeyType Peek(ReadOnlySpan<byte> key, out long expireAt)
    {
        expireAt = 0;
        if (!TryGetMetadata(key, out var record))
            return KeyType.None;
        using (record)
        {
            (var type, expireAt) = DiskFormat.ReadHeader(record.Span);
            return type;
        }
    }

    /// <summary>
    /// RocksDB has no record to edit in place: an edit that changes nothing (PFADD of elements already counted) is found
    /// so on the value as read, which is neither copied nor written; any other runs on a copy, written back when it
    /// changed a byte.
    /// </summary>
    public bool TryEditInPlace(ReadOnlySpan<byte> key, IStringEdit edit, long expiredBy, out bool changed)
    {
        changed = false;
        if (!TryGetMetadata(key, out var record))
            return false;
        long expireAt;
        int length;
        using (record)
        {
            (var type, expireAt) = DiskFormat.ReadHeader(record.Span);
            if (type != KeyType.String || (expireAt != 0 && expireAt <= expiredBy))
                return false;
            var value = DiskFormat.StringValue(record.Span);
            if (edit.LeavesAsIs(value))
                return true;
            length = value.Length;
            if (_edited.Length < length)
                _edited = GC.AllocateUninitializedArray<byte>(length);
            value.CopyTo(_edited);
        }
        var edited = _edited.AsSpan(0, length);
        if (!edit.TryEdit(edited, out changed))
            return false;
        if (changed)
            Write(key, edited, expireAt);
        return true;
    }

    /// <summary>True when the key is known to be new: a blind write (below) does not know and says false.</summary>
    public bool Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        DropReadAhead();
        if (_collecting)
            return WritePending(key, value, expireAt);
        int size = DiskFormat.HeaderBytes + value.Length;
        if (_record.Length < size)
            _record = GC.AllocateUninitializedArray<byte>(Math.Max(size, _record.Length * 2));
        DiskFormat.WriteString(_record, value, expireAt);
        lock (engine.CountLock)
        {
            try
            {
                _batch.Clear();
                _batch.Put(_metadata, key, _record.AsSpan(0, size));
                if (expireAt == 0 && engine.VolatileKeyCount == 0 && !engine.MeasuresData)
                {
                    // No key has an expiry, so the record this replaces (if any) had none: the expiry count
                    // holds without reading it, and the key count is recounted when next asked for
                    // (see DiskEngine.KeyCount). The read was a third of a SET's time.
                    engine.NoteUncountedWrite();
                    engine.WriteWithCounts(_batch, 0, 0);
                    _appliedInCommand |= _inCommand;
                    return false;
                }
                bool existed = Existing(key, out bool hadExpiry, out long replacedBytes);
                engine.WriteWithCounts(_batch, existed ? 0 : 1, (expireAt != 0 ? 1 : 0) - (hadExpiry ? 1 : 0),
                    bytesDelta: DiskFormat.DataBytes(key, _record.AsSpan(0, size)) - replacedBytes);
                _appliedInCommand |= _inCommand;
                return !existed;
            }
            finally
            {
                if (_record.Length > KeepRecordBytes)
                    LetGoOfLargeRecord();
            }
        }
    }

    /// <summary>
    /// A large value's buffers are not kept for the next write: the record it was encoded into, and the
    /// batch's own copy (clearing a batch keeps its capacity).
    /// </summary>
    private void LetGoOfLargeRecord()
    {
        MemoryGiveBack.Dropped(_record.Length);
        _record = new byte[256];
        _batch.Renew();
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        DropReadAhead();
        if (_collecting)
            return DeletePending(key);
        lock (engine.CountLock)
        {
            if (!Existing(key, out bool hadExpiry, out long deletedBytes))
                return false;
            _batch.Clear();
            _batch.Delete(_metadata, key);
            engine.WriteWithCounts(_batch, -1, hadExpiry ? -1 : 0, bytesDelta: -deletedBytes);
            _appliedInCommand |= _inCommand;
            return true;
        }
    }

    /// <summary>FLUSHALL in one batch (see <see cref="DiskEngine.DeleteEverything"/>).</summary>
    public void DeleteAll()
    {
        Commit();   // the counts below must include this command's earlier writes
        lock (engine.CountLock)
        {
            _batch.Clear();
            engine.DeleteEverything(_batch);
            engine.WriteEmptied(_batch);
            _appliedInCommand |= _inCommand;
        }
        engine.NoteFlushed();
    }

    public long Scan(long cursor, int count, KeyVisitor visitor, long expiredBy = 0)
    {
        var resume = engine.Cursors.Resolve(cursor);
        if (resume is null)
            return 0;
        // Inside a command (KEYS or SCAN in an EXEC) the keys it created or deleted count; expiry
        // sweeps read the whole keyspace over time: keep them from evicting the hot blocks.
        using var iterator = _collecting ? _pending.NewIterator(_metadata, default) : _db.NewIterator(_metadata, fillCache: expiredBy == 0);
        iterator.Seek(resume);
        for (int seen = 0; seen < count && iterator.Valid; seen++, iterator.Next())
        {
            var (type, expireAt) = DiskFormat.ReadHeader(iterator.Value);
            if (expiredBy > 0 && (expireAt == 0 || expireAt > expiredBy))
                continue;
            visitor(iterator.Key, type, expireAt);
        }
        if (iterator.Valid)
            return engine.Cursors.Issue(iterator.Key.ToArray());
        iterator.ThrowIfError();
        return 0;
    }

    /// <summary>
    /// A cursor at a random key: a random byte string between the first and last keys (shared
    /// prefix, then random bytes within their range), so RANDOMKEY is not stuck at the start.
    /// </summary>
    public long RandomCursor()
    {
        using var iterator = _db.NewIterator(_metadata, fillCache: false);
        iterator.SeekToFirst();
        if (!iterator.Valid)
            return 0;
        byte[] first = iterator.Key.ToArray();
        iterator.SeekToLast();
        byte[] last = iterator.Key.ToArray();
        int shared = first.AsSpan().CommonPrefixLength(last);
        var target = new byte[shared + 4];
        last.AsSpan(0, shared).CopyTo(target);
        int low = shared < first.Length ? first[shared] : 0, high = shared < last.Length ? last[shared] : 0;
        target[shared] = (byte)Random.Shared.Next(low, high + 1);
        Random.Shared.NextBytes(target.AsSpan(shared + 1));
        return engine.Cursors.Issue(target);
    }

    /// <summary>Whether the key has a record, and whether that record has an expiry (for the counts).</summary>
    private bool Existing(ReadOnlySpan<byte> key, out bool hasExpiry) => Existing(key, out hasExpiry, out _);

    /// <summary>As above, with what the record counts toward the measured dataset (<see cref="DiskFormat.DataBytes"/>).</summary>
    private bool Existing(ReadOnlySpan<byte> key, out bool hasExpiry, out long dataBytes)
    {
        hasExpiry = false;
        dataBytes = 0;
        if (!TryGetMetadata(key, out var record))
            return false;
        using (record)
        {
            hasExpiry = DiskFormat.ExpireAt(record.Span) != 0;
            dataBytes = DiskFormat.DataBytes(key, record.Span);
        }
        return true;
    }

    /// <summary>A key's metadata record as this command sees it: through its pending batch while collecting, else from the database.</summary>
    private bool TryGetMetadata(ReadOnlySpan<byte> key, out StoredValue record)
    {
        if (_collecting)
            return _pending.TryGet(_metadata, key, out record);
        bool found = _db.TryGet(_metadata, key, out var stored);
        record = new StoredValue(stored, default, fromBatch: false);
        return found;
    }

    public void Dispose()
    {
        DropReadAhead();
        _batch.Dispose();
        _pending.Dispose();
    }
}
