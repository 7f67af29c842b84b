using FASTER.core;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Memory;

/// <summary>One thread's FASTER session over the string store.</summary>
internal sealed unsafe partial class MemorySession : IEngineSession
{
    private readonly MemoryEngine _engine;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, StringOutput, Empty, StringStoreFunctions> _session;
    /// <summary>Reads that copy a record found on disk to the log's tail (<see cref="Fetch"/>); made once the log has spilled.</summary>
    private ClientSession<SpanByte, SpanByte, SpanByte, StringOutput, Empty, StringStoreFunctions>? _fetchSession;
    private readonly List<(KeyArena.Range Key, long Address, long ExpireAt, int Length)> _scanBatch = [];
    private readonly KeyArena _scanKeys = new();
    private byte[] _writeScratch = new byte[256];
    private ValueBuffer _peekBuffer = new(0);
    private ValueBuffer _expiryBuffer = new(256);

    public MemorySession(MemoryEngine engine)
    {
        _engine = engine;
        _session = engine.Store.For(new StringStoreFunctions()).NewSession<StringStoreFunctions>();
    }

    public KeyType Read(ReadOnlySpan<byte> key, ref ValueBuffer value)
    {
        bool found;
        if (_aheadCount > 0 && TryTakeReadAhead(key, out var ahead))
        {
            found = ahead.Found;
            if (found)
                value.Set(ahead.Value.Span, ahead.Value.ExpireAt);
        }
        else
        {
            var output = new StringOutput { Value = value };
            found = ReadRecord(key, ref output, out _);
            value = output.Value;
        }
        if (found)
            return KeyType.String;
        if (!_engine.Objects.TryGet(key, out var stored, out long expireAt))
            return KeyType.None;
        if (stored is LargeString large)
        {
            value.Lend(large.Bytes, expireAt);
            return KeyType.String;
        }
        value.Length = 0;
        value.ExpireAt = expireAt;
        return stored.Type;
    }

    public KeyType Peek(ReadOnlySpan<byte> key, out long expireAt)
    {
        var output = new StringOutput { Value = _peekBuffer, PeekOnly = true };
        bool found = ReadRecord(key, ref output, out _);
        expireAt = found ? output.Value.ExpireAt : 0;
        if (found)
            return KeyType.String;
        return _engine.Objects.TryGet(key, out var stored, out expireAt) ? stored.Type : KeyType.None;
    }

    public KeyType ReadObject(ReadOnlySpan<byte> key, out StoredObject? value, out long expireAt, bool readOnly)
    {
        if (readOnly ? _engine.Objects.TryGetForRead(key, out var stored, out expireAt) : _engine.Objects.TryGetForCommand(key, out stored, out expireAt))
        {
            value = stored is LargeString ? null : stored;   // a string, whichever store holds it
            return stored.Type;
        }
        value = null;
        return PeekString(key, out expireAt) ? KeyType.String : KeyType.None;
    }

    public StoredObject WriteObject(ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        // DeleteString counts the string out, Objects.Set counts the object in: a moved key is counted once.
        if (PeekString(key, out long stringExpiry, out int length))
            DeleteString(key, stringExpiry, length);
        _engine.Objects.Set(key, value, expireAt);
        return value;
    }

    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt)
    {
        if (_engine.Objects.SetExpiry(key, expireAt, out _))
            return true;
        var output = new StringOutput { Value = _expiryBuffer };
        bool found = ReadRecord(key, ref output, out _);
        _expiryBuffer = output.Value;
        if (found)
            Write(key, _expiryBuffer.Span, expireAt);
        return found;
    }

    public bool TrySetExpiryInPlace(ReadOnlySpan<byte> key, long expireAt, long expiredBy)
        => TryUpdateInPlace(key, StringUpdate.Expiry, expireAt, expiredBy, out _, out _);

    public bool TryIncrementInPlace(ReadOnlySpan<byte> key, long by, long expiredBy, out long result, out long expireAt)
        => TryUpdateInPlace(key, StringUpdate.Increment, by, expiredBy, out result, out expireAt);

    public bool TryEditInPlace(ReadOnlySpan<byte> key, IStringEdit edit, long expiredBy, out bool changed)
    {
        bool done = TryUpdateInPlace(key, StringUpdate.Edit, 0, expiredBy, out long result, out _, edit);
        changed = done && result == 1;
        return done;
    }

    /// <summary>One RMW that changes a live string's record in place, or cancels and changes nothing.</summary>
    private bool TryUpdateInPlace(ReadOnlySpan<byte> key, StringUpdate update, long operand, long expiredBy, out long result, out long expireAt, IStringEdit? edit = null)
    {
        var output = new StringOutput { Value = _peekBuffer, PeekOnly = true, Update = update, Operand = operand, ExpiredBy = expiredBy, Edit = edit };
        Status status;
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            SpanByte input = default;
            status = _session.RMW(ref keySpan, ref input, ref output);
        }
        result = output.Operand;
        expireAt = output.Value.ExpireAt;
        if (!status.IsPending)
            return status.Found && !status.IsCanceled;
        // The record was on disk: FASTER reads it and asks NeedCopyUpdate, which cancels.
        Interlocked.Increment(ref _engine.PendingWrites);
        _session.CompletePending(wait: true);
        return false;
    }

    private bool PeekString(ReadOnlySpan<byte> key, out long expireAt) => PeekString(key, out expireAt, out _);

    private bool PeekString(ReadOnlySpan<byte> key, out long expireAt, out int length)
    {
        var output = new StringOutput { Value = _peekBuffer, PeekOnly = true };
        bool found = ReadRecord(key, ref output, out _);
        expireAt = found ? output.Value.ExpireAt : 0;
        length = output.RecordLength;
        return found;
    }

    public bool Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        if (key.Length + value.Length > _engine.MaxStoreRecordBytes)
            return WriteLarge(key, value, expireAt);
        StringOutput result;
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            if (expireAt == 0)
            {
                fixed (byte* v = value)
                {
                    var valueSpan = SpanByte.FromPointer(v, value.Length);
                    result = Store(ref keySpan, ref valueSpan);
                }
            }
            else
            {
                // The expiry travels in the record as SpanByte "extra metadata": 8 bytes before the value.
                int size = value.Length + sizeof(long);
                if (_writeScratch.Length < size)
                    _writeScratch = GC.AllocateUninitializedArray<byte>(Math.Max(size, _writeScratch.Length * 2));
                fixed (byte* v = _writeScratch)
                {
                    *(long*)v = expireAt;
                    value.CopyTo(new Span<byte>(v + sizeof(long), value.Length));
                    var valueSpan = SpanByte.FromPointer(v, size);
                    valueSpan.MarkExtraMetadata();
                    result = Store(ref keySpan, ref valueSpan);
                }
            }
        }
        bool created = result.Created;
        // Objects.Remove counts the object out, the string write counts it in: a moved key is counted once.
        if (_engine.Objects.Remove(key, out _))
            created = false;
        long bytes = MemoryEngine.StringBytes(key.Length, expireAt == 0 ? value.Length : value.Length + sizeof(long))
            - (result.Created ? 0 : MemoryEngine.StringBytes(key.Length, result.RecordLength));
        _engine.AddKeys(result.Created ? 1 : 0, result.VolatileDelta, bytes);
        return created;
    }

    /// <summary>A string too large for a FASTER record goes to the object space (see <see cref="LargeString"/>).</summary>
    private bool WriteLarge(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        // DeleteString counts the string out, Objects.Set counts the object in: a moved key is counted once.
        bool existed = PeekString(key, out long stringExpiry, out int length) && DeleteString(key, stringExpiry, length);
        var (replaced, _) = _engine.Objects.Set(key, new LargeString(value.ToArray()), expireAt);
        return !existed && !replaced;
    }

    /// <summary>Writes <paramref name="value"/> as the RMW input; the output tells what changed.</summary>
    private StringOutput Store(ref SpanByte key, ref SpanByte value)
    {
        var output = new StringOutput { Value = _peekBuffer, PeekOnly = true };
        var status = _session.RMW(ref key, ref value, ref output);
        if (!status.IsPending)
            return output;
        // The old record was on disk: FASTER reads it before deciding how to update.
        Interlocked.Increment(ref _engine.PendingWrites);
        _session.CompletePendingWithOutputs(out var completed, wait: true);
        using (completed)
        {
            while (completed.Next())
                output = completed.Current.Output;
            return output;
        }
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        if (PeekString(key, out long expireAt, out int length))
            return DeleteString(key, expireAt, length);
        return _engine.Objects.Remove(key, out _);
    }

    public void ObjectChanged(ReadOnlySpan<byte> key, StoredObject value) => _engine.Objects.Changed(key, value);

    private bool DeleteString(ReadOnlySpan<byte> key, long expireAt, int length)
    {
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            _session.Delete(ref keySpan);
        }
        _engine.AddKeys(-1, expireAt != 0 ? -1 : 0, -MemoryEngine.StringBytes(key.Length, length));
        return true;
    }

    /// <summary>Strings first (cursors are FASTER log addresses), then collections (cursors with <see cref="ObjectPhase"/> set).</summary>
    public long Scan(long cursor, int count, KeyVisitor visitor, long expiredBy = 0)
    {
        if ((cursor & ObjectPhase) != 0)
        {
            ulong next = _engine.Objects.Scan((ulong)(cursor & ~ObjectPhase), count, visitor, expiredBy);
            return next == 0 ? 0 : (long)next | ObjectPhase;
        }
        long stringsNext = ScanStrings(cursor, count, visitor, expiredBy);
        return stringsNext == 0 && _engine.Objects.Count > 0 ? ObjectPhase : stringsNext;
    }

    /// <summary>Marks a SCAN cursor that walks the collections (FASTER addresses stay far below it).</summary>
    private const long ObjectPhase = 1L << 62;

    private long ScanStrings(long cursor, int count, KeyVisitor visitor, long expiredBy = 0)
    {
        long next = CollectBatch(_engine.ToScanAddress(cursor), count, expiredBy);
        // Only the newest record of a key is live: older versions and deleted keys are skipped.
        foreach (var (key, address, expireAt, _) in _scanBatch)
            if (LatestAddress(_scanKeys[key]) == address)
                visitor(_scanKeys[key], KeyType.String, expireAt);
        ClearBatch();
        if (next != 0)
            _engine.IssueCursor(next);
        return next;
    }

    public long RandomCursor()
    {
        long objects = _engine.Objects.Count;
        if (objects > 0 && Random.Shared.NextInt64(_engine.KeyCount) < objects)
            return (long)_engine.Objects.RandomCursor() | ObjectPhase;
        return _engine.RandomAddress();
    }

    /// <summary>Counts the live strings, those with an expiry, and their bytes, with a full pass (at start-up).</summary>
    internal (long Keys, long Volatile, long Bytes) CountLiveKeys()
    {
        long keys = 0, volatileKeys = 0, bytes = 0, from = _engine.ToScanAddress(0);
        do
        {
            // The next batch starts where this one stopped: an address, not a client's cursor (which would be moved back to its page).
            from = CollectBatch(from, 4096, 0);
            foreach (var (key, address, expireAt, length) in _scanBatch)
            {
                if (LatestAddress(_scanKeys[key]) != address)
                    continue;
                keys++;
                if (expireAt != 0) volatileKeys++;
                bytes += MemoryEngine.StringBytes(key.Length, length);
            }
            ClearBatch();
        }
        while (from != 0);
        return (keys, volatileKeys, bytes);
    }

    /// <summary>
    /// Looks at up to <paramref name="count"/> records and copies out the keys of those that may be
    /// visited (the iterator must be closed before the liveness reads) into the session's arena, so a
    /// pass over a large keyspace makes no garbage per key.
    /// </summary>
    private long CollectBatch(long from, int count, long expiredBy)
    {
        long tail = _engine.Store.Log.TailAddress;
        if (from >= tail)
            return 0;
        using var iterator = _engine.Store.Log.Scan(from, tail);
        int seen = 0;
        while (seen < count && iterator.GetNext(out var info))
        {
            if (info.Tombstone)
                continue;
            seen++;
            ref var value = ref iterator.GetValue();
            long expireAt = value.MetadataSize > 0 ? value.ExtraMetadata : 0;
            if (expiredBy > 0 && (expireAt == 0 || expireAt > expiredBy))
                continue;
            _scanBatch.Add((_scanKeys.Add(iterator.GetKey().AsReadOnlySpan()), iterator.CurrentAddress, expireAt, value.Length));
        }
        long next = iterator.NextAddress;
        return next >= tail || seen < count ? 0 : next;
    }

    private void ClearBatch()
    {
        _scanBatch.Clear();
        _scanKeys.Clear();
    }

    public bool HasSpilled => _engine.HasSpilled;

    /// <summary>
    /// A write is coming for <paramref name="key"/> (before its command takes the keyspace lock): if
    /// its record was spilled to disk, start reading it back, to be copied to the log's tail, so the
    /// write finds it in memory instead of waiting for the disk with every other writer waiting on the
    /// lock. Several keys' reads (a pipeline's writes) wait for the disk together in <see cref="FinishFetches"/>.
    /// </summary>
    public void StartFetch(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            SpanByte input = default;
            var output = new StringOutput { Value = _peekBuffer, PeekOnly = true };
            _fetchSession ??= _engine.Store.For(new StringStoreFunctions()).NewSession<StringStoreFunctions>(
                readCopyOptions: new ReadCopyOptions(ReadCopyFrom.Device, ReadCopyTo.MainLog));
            if (_fetchSession.Read(ref keySpan, ref input, ref output).IsPending)
                _fetchesStarted++;
        }
    }

    public void FinishFetches()
    {
        if (_fetchesStarted == 0)
            return;
        Interlocked.Add(ref _engine.PendingReads, _fetchesStarted);
        _fetchesStarted = 0;
        _fetchSession!.CompletePending(wait: true);
    }

    private int _fetchesStarted;

    private long LatestAddress(ReadOnlySpan<byte> key)
    {
        var output = new StringOutput { Value = _peekBuffer, PeekOnly = true };
        return ReadRecord(key, ref output, out long address) ? address : -1;
    }

    private bool ReadRecord(ReadOnlySpan<byte> key, ref StringOutput output, out long address)
    {
        var status = StartRead(key, ref output, out address);
        return status.IsPending ? CompletePendingRead(ref output, out address) : status.Found;
    }

    /// <summary>A FASTER read; a pending one (the record is on disk) is completed by the caller. FASTER keeps its own copy of the key.</summary>
    private Status StartRead(ReadOnlySpan<byte> key, ref StringOutput output, out long address)
    {
        fixed (byte* k = key)
        {
            var keySpan = SpanByte.FromPointer(k, key.Length);
            SpanByte input = default;
            ReadOptions options = default;
            var status = _session.Read(ref keySpan, ref input, ref output, ref options, out var metadata);
            address = metadata.Address;
            return status;
        }
    }

    /// <summary>The record was on disk: wait for FASTER's I/O and take its output.</summary>
    private bool CompletePendingRead(ref StringOutput output, out long address)
    {
        Interlocked.Increment(ref _engine.PendingReads);
        _session.CompletePendingWithOutputs(out var completed, wait: true);
        using (completed)
        {
            address = -1;
            bool found = false;
            while (completed.Next())
            {
                ref var current = ref completed.Current;
                output = current.Output;
                found = current.Status.Found;
                address = current.RecordMetadata.Address;
            }
            return found;
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _fetchSession?.Dispose();
    }
}
