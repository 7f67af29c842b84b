using System.Runtime.CompilerServices;
using Istore.Node.Objects;
using Istore.Ranklist;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The memory engine's collections (hashes, lists, sets, sorted sets): key → object and expiry,
/// beside the FASTER string store; a key lives in one of the two. Structural access (lookup,
/// insert, remove, scan) takes this space's own lock, so string paths on any thread may ask
/// whether a key is a collection; object contents are read and changed under the keyspace write lock.
/// </summary>
internal sealed class ObjectSpace
{
    private readonly ScanTable<ObjectEntry> _table = new();
    private volatile int _count;
    private int _volatileCount;

    public int Count => _count;

    /// <summary>The members of this database's ranklists, interned (see <see cref="RankListObject"/>).</summary>
    public MemberTable RankListMembers { get; } = new();

    public int VolatileCount => Volatile.Read(ref _volatileCount);

    private long _bytes;

    /// <summary>The collections' share of the dataset estimate (see <see cref="EstimateBytes"/>).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>
    /// A collection's size for maxmemory, in O(1) so that every change can recount it: its key and
    /// header plus a flat 64 bytes per element (a member with its score, a field with its value,
    /// and their nodes). Big elements are undercounted; MEMORY USAGE measures exactly.
    /// </summary>
    private static long EstimateBytes(int keyLength, StoredObject value) => MemoryEngine.KeyOverhead + keyLength + 64 * value.Length;

    /// <summary>Removed elements that leave enough garbage to be worth a full collection.</summary>
    private const long LargeRemoval = 100_000;

    private long _removedElements;

    /// <summary>
    /// True once after collections holding many elements went (DEL of a big one, FLUSHALL, expiry):
    /// housekeeping should give their memory back.
    /// </summary>
    public bool TakeLargeRemoval()
    {
        if (Interlocked.Read(ref _removedElements) < LargeRemoval)
            return false;
        Interlocked.Exchange(ref _removedElements, 0);
        return true;
    }

    public bool TryGet(ReadOnlySpan<byte> key, out StoredObject value, out long expireAt)
    {
        value = null!;
        expireAt = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return false;
            value = entry.Value;
            expireAt = entry.ExpireAt;
            return true;
        }
    }

    /// <summary>Stores (or replaces) a key's object; returns whether the key was there and had an expiry.</summary>
    public (bool Existed, bool WasVolatile) Set(ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        lock (_table)
        {
            ref var entry = ref _table.FindOrAdd(key, out bool added);
            bool wasVolatile = !added && entry.ExpireAt != 0;
            var previous = added ? null : entry.Value;
            long bytes = EstimateBytes(key.Length, value);
            _bytes += bytes - (added ? 0 : entry.Bytes);
            entry = new ObjectEntry(added ? key.ToArray() : entry.KeyBytes, value, expireAt, bytes);
            if (previous != value)
            {
                Stored(value);
                if (previous is not null)
                    Dropped(previous);
            }
            Adjust(added ? 1 : 0, (expireAt != 0 ? 1 : 0) - (wasVolatile ? 1 : 0));
            return (!added, wasVolatile);
        }
    }

    public bool SetExpiry(ReadOnlySpan<byte> key, long expireAt, out long previous)
    {
        previous = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return false;
            previous = entry.ExpireAt;
            entry = entry with { ExpireAt = expireAt };
            Adjust(0, (expireAt != 0 ? 1 : 0) - (previous != 0 ? 1 : 0));
            return true;
        }
    }

    public bool Remove(ReadOnlySpan<byte> key, out long expireAt)
    {
        expireAt = 0;
        if (_count == 0)
            return false;
        lock (_table)
        {
            if (!_table.Remove(key, out var removed))
                return false;
            Interlocked.Add(ref _removedElements, removed.Value.Length);
            _bytes -= removed.Bytes;
            Dropped(removed.Value);
            expireAt = removed.ExpireAt;
            Adjust(-1, expireAt != 0 ? -1 : 0);
            return true;
        }
    }

    /// <summary>A command changed the collection at <paramref name="key"/> in place: recount its bytes.</summary>
    public void Changed(ReadOnlySpan<byte> key, StoredObject value)
    {
        lock (_table)
        {
            ref var entry = ref _table.Find(key);
            if (Unsafe.IsNullRef(ref entry))
                return;
            long bytes = EstimateBytes(key.Length, value);
            _bytes += bytes - entry.Bytes;
            entry = entry with { Bytes = bytes };
        }
    }

    /// <summary>One SCAN step over the collections; returns the next cursor, 0 when done.</summary>
    public ulong Scan(ulong cursor, int count, KeyVisitor visitor, long expiredBy)
    {
        lock (_table)
        {
            var adapter = new VisitorAdapter(visitor, expiredBy);
            return _table.Scan(cursor, count, ref adapter);
        }
    }

    /// <summary>A cursor at a random bucket.</summary>
    public ulong RandomCursor()
    {
        lock (_table)
            return _table.Count == 0 ? 0 : (ulong)Random.Shared.Next(Math.Max(1, _table.Count));
    }

    /// <summary>Deep copies of every collection with its key and expiry; the caller holds the keyspace write lock, so the copy is exact.</summary>
    public List<(byte[] Key, StoredObject Value, long ExpireAt)> CopyAll()
    {
        lock (_table)
        {
            var copies = new List<(byte[], StoredObject, long)>(_table.Count);
            foreach (ref var entry in _table)
                copies.Add((entry.KeyBytes, entry.Value.Clone(), entry.ExpireAt));
            return copies;
        }
    }

    /// <summary>Serializes every collection; the caller holds the keyspace write lock, so the copy is exact.</summary>
    public void WriteTo(SnapshotWriter writer)
    {
        lock (_table)
        {
            writer.WriteVarUInt((ulong)_table.Count);
            foreach (ref var entry in _table)
            {
                writer.WriteByte((byte)entry.Value.Type);
                writer.WriteBytes(entry.KeyBytes);
                writer.WriteInt64(entry.ExpireAt);
                entry.Value.WriteTo(writer);
            }
        }
    }

    public void ReadFrom(ReadOnlySpan<byte> snapshot)
    {
        var reader = new SnapshotReader(snapshot);
        int count = reader.ReadCount();
        lock (_table)
        {
            for (int i = 0; i < count; i++)
            {
                var type = (Engine.KeyType)reader.ReadByte();
                var key = reader.ReadBytes().ToArray();
                long expireAt = reader.ReadInt64();
                var value = ObjectSerializer.Read(type, ref reader, RankListMembers);
                long bytes = EstimateBytes(key.Length, value);
                _bytes += bytes;
                _table.AddNew(new ObjectEntry(key, value, expireAt, bytes));
                Stored(value);
                Adjust(1, expireAt != 0 ? 1 : 0);
            }
        }
        if (!reader.AtEnd)
            throw new InvalidDataException("trailing bytes in the object snapshot");
    }

    /// <summary>A key now holds <paramref name="value"/>: a ranklist joins this database's member table.</summary>
    private void Stored(StoredObject value)
    {
        if (value is RankListObject list)
            list.Attach(RankListMembers);
    }

    /// <summary>A key let go of <paramref name="value"/>: a ranklist no key holds releases its members.</summary>
    private static void Dropped(StoredObject value)
    {
        if (value is RankListObject list)
            list.Detach();
    }

    private void Adjust(int keys, int volatileKeys)
    {
        _count += keys;
        _volatileCount += volatileKeys;
    }

    private readonly struct VisitorAdapter(KeyVisitor visitor, long expiredBy) : IEntryVisitor<ObjectEntry>
    {
        public void Visit(ref ObjectEntry entry)
        {
            if (expiredBy > 0 && (entry.ExpireAt == 0 || entry.ExpireAt > expiredBy))
                return;
            visitor(entry.KeyBytes, entry.Value.Type, entry.ExpireAt);
        }
    }
}

internal readonly record struct ObjectEntry(byte[] KeyBytes, StoredObject Value, long ExpireAt, long Bytes) : IScanEntry
{
    public ReadOnlySpan<byte> Key => KeyBytes;
}
