using System.Runtime.CompilerServices;

namespace Istore.Node.Objects;

/// <summary>An entry of a <see cref="ScanTable{TEntry}"/>: a struct that knows its own key bytes.</summary>
public interface IScanEntry
{
    ReadOnlySpan<byte> Key { get; }
}

/// <summary>
/// A chained hash table of byte-string keys with Redis's SCAN guarantee: a cursor walks the
/// buckets in reverse-binary order, so an entry present for a whole scan is returned at least once
/// even when the table grows or shrinks between calls. Entries are structs stored in one array
/// (16 bytes a slot for a single-array entry), which is what keeps a million hash fields or set
/// members close to Redis's memory. Not thread-safe: callers hold the keyspace lock.
/// </summary>
public sealed class ScanTable<TEntry> where TEntry : struct, IScanEntry
{
    private const int MinCapacity = 4;

    private struct Slot
    {
        public int Hash;
        /// <summary>Next slot in the bucket's chain (-1 ends it); free slots hold -3 - next free slot.</summary>
        public int Next;
        public TEntry Entry;
    }

    private int[] _buckets;   // slot index + 1; 0 = empty bucket
    private Slot[] _slots;
    private int _used;        // slots ever handed out (live + free)
    private int _freeList = -1;
    private int _freeCount;

    public ScanTable(int capacity = MinCapacity)
    {
        int size = (int)Math.Max(MinCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 1)));
        _buckets = new int[size];
        _slots = new Slot[size];
    }

    public int Count => _used - _freeCount;

    public static int HashOf(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode() & int.MaxValue;
    }

    /// <summary>The entry with <paramref name="key"/>, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref TEntry Find(ReadOnlySpan<byte> key)
    {
        int index = IndexOf(key, HashOf(key));
        return ref index < 0 ? ref Unsafe.NullRef<TEntry>() : ref _slots[index].Entry;
    }

    public bool Contains(ReadOnlySpan<byte> key) => IndexOf(key, HashOf(key)) >= 0;

    /// <summary>
    /// The entry with <paramref name="key"/>; when missing a default entry is added and
    /// <paramref name="added"/> is true: the caller must then fill it with the same key.
    /// </summary>
    public ref TEntry FindOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        int hash = HashOf(key);
        int index = IndexOf(key, hash);
        added = index < 0;
        if (added)
            index = AddSlot(hash);
        return ref _slots[index].Entry;
    }

    /// <summary>Adds an entry whose key is known to be absent (snapshot loading, cloning).</summary>
    public void AddNew(in TEntry entry)
    {
        int index = AddSlot(HashOf(entry.Key));   // first: adding may replace _slots
        _slots[index].Entry = entry;
    }

    public bool Remove(ReadOnlySpan<byte> key, out TEntry removed)
    {
        int hash = HashOf(key);
        int bucket = hash & (_buckets.Length - 1);
        int previous = -1;
        for (int i = _buckets[bucket] - 1; i >= 0; previous = i, i = _slots[i].Next)
        {
            ref var slot = ref _slots[i];
            if (slot.Hash != hash || !slot.Entry.Key.SequenceEqual(key))
                continue;
            if (previous < 0) _buckets[bucket] = slot.Next + 1;
            else _slots[previous].Next = slot.Next;
            removed = slot.Entry;
            slot.Entry = default;
            slot.Next = -3 - _freeList;
            _freeList = i;
            _freeCount++;
            if (Count * 8 < _slots.Length && _slots.Length > MinCapacity)
                Resize(_slots.Length / 2);
            return true;
        }
        removed = default;
        return false;
    }

    public bool Remove(ReadOnlySpan<byte> key) => Remove(key, out _);

    public void Clear()
    {
        _buckets = new int[MinCapacity];
        _slots = new Slot[MinCapacity];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    /// <summary>
    /// Visits the entries of the bucket at <paramref name="cursor"/> and those after it until about
    /// <paramref name="count"/> were seen; returns the next cursor, 0 when the scan is complete.
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, int count, ref TVisitor visitor) where TVisitor : IEntryVisitor<TEntry>, allows ref struct
    {
        if (Count == 0)
            return 0;
        ulong mask = (ulong)_buckets.Length - 1;
        int seen = 0;
        do
        {
            for (int i = _buckets[(int)(cursor & mask)] - 1; i >= 0; i = _slots[i].Next)
            {
                visitor.Visit(ref _slots[i].Entry);
                seen++;
            }
            // Increment the cursor's bits from the top, so buckets split by a resize are not revisited.
            cursor |= ~mask;
            cursor = ReverseBits(ReverseBits(cursor) + 1);
        }
        while (cursor != 0 && seen < count);
        return cursor;
    }

    /// <summary>A uniformly chosen entry; the table must not be empty.</summary>
    public ref TEntry Random(Random random)
    {
        // Shrinking keeps at least one live slot in eight, so this ends quickly.
        while (true)
        {
            int i = random.Next(_used);
            if (_slots[i].Next >= -1)
                return ref _slots[i].Entry;
        }
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Visits live entries by reference; the table must not change during the walk.</summary>
    public ref struct Enumerator(ScanTable<TEntry> table)
    {
        private int _index = -1;

        public bool MoveNext()
        {
            while (++_index < table._used)
                if (table._slots[_index].Next >= -1)
                    return true;
            return false;
        }

        public readonly ref TEntry Current => ref table._slots[_index].Entry;
    }

    private int IndexOf(ReadOnlySpan<byte> key, int hash)
    {
        for (int i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _slots[i].Next)
        {
            ref var slot = ref _slots[i];
            if (slot.Hash == hash && slot.Entry.Key.SequenceEqual(key))
                return i;
        }
        return -1;
    }

    private int AddSlot(int hash)
    {
        int index;
        if (_freeCount > 0)
        {
            index = _freeList;
            _freeList = -3 - _slots[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _slots.Length)
                Resize(_slots.Length * 2);
            index = _used++;
        }
        int bucket = hash & (_buckets.Length - 1);
        _slots[index].Hash = hash;
        _slots[index].Next = _buckets[bucket] - 1;
        _buckets[bucket] = index + 1;
        return index;
    }

    /// <summary>Rebuilds at <paramref name="capacity"/> slots, packing live entries to the front.</summary>
    private void Resize(int capacity)
    {
        var slots = new Slot[capacity];
        var buckets = new int[capacity];
        int used = 0;
        for (int i = 0; i < _used; i++)
        {
            ref var old = ref _slots[i];
            if (old.Next < -1)
                continue;
            ref var slot = ref slots[used];
            slot.Hash = old.Hash;
            slot.Entry = old.Entry;
            int bucket = old.Hash & (capacity - 1);
            slot.Next = buckets[bucket] - 1;
            buckets[bucket] = ++used;
        }
        _slots = slots;
        _buckets = buckets;
        _used = used;
        _freeList = -1;
        _freeCount = 0;
    }

    private static ulong ReverseBits(ulong value)
    {
        value = ((value >> 1) & 0x5555555555555555UL) | ((value & 0x5555555555555555UL) << 1);
        value = ((value >> 2) & 0x3333333333333333UL) | ((value & 0x3333333333333333UL) << 2);
        value = ((value >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((value & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value);
    }
}

/// <summary>Receives entries from <see cref="ScanTable{TEntry}.Scan"/>.</summary>
public interface IEntryVisitor<TEntry>
{
    void Visit(ref TEntry entry);
}
