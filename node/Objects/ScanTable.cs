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
/// even when the table grows or shrinks between calls. Entries are structs stored in slot arrays
/// (16 bytes a slot for a single-array entry), which is what keeps a million hash fields or set
/// members close to Redis's memory. Not thread-safe: callers hold the keyspace lock.
/// No change waits for work that grows with the table (a node's table of millions of keys must not
/// stall its clients, as Redis rehashes incrementally): past one segment the slots grow a segment at
/// a time, never copied, and when the bucket array doubles its buckets are split a few per change
/// (<see cref="SplitSome"/>), not all at once. Only a shrink after most entries went is done at once.
/// </summary>
public sealed class ScanTable<TEntry> where TEntry : struct, IScanEntry
{
    private const int MinCapacity = 4;

    /// <summary>Slots come in segments of this many (2^14) once a table outgrows one.</summary>
    private const int SegmentBits = 14;
    private const int SegmentSize = 1 << SegmentBits;

    /// <summary>Buckets split per change while the bucket array doubles: the split ends before the next doubling is due.</summary>
    private const int SplitsPerChange = 2;

    /// <summary>Top slots drained per removal while a table of several segments shrinks (see <see cref="DrainSome"/>).</summary>
    private const int DrainsPerRemoval = 8;

    private struct Slot
    {
        /// <summary>The entry's hash; a free slot holds the previous free slot instead (-1 for the first).</summary>
        public int Hash;
        /// <summary>Next slot in the bucket's chain (-1 ends it); free slots hold -3 - next free slot.</summary>
        public int Next;
        public TEntry Entry;
    }

    private int[] _buckets;     // slot index + 1; 0 = empty bucket
    private Slot[][] _segments; // SegmentSize slots each, or one shorter segment while the table is smaller
    private int _capacity;      // slots in the segments
    private int _used;          // slots ever handed out (live + free)
    private int _freeList = -1;
    private int _freeCount;

    /// <summary>
    /// While the bucket array doubles: the buckets of its lower half below this are split (their
    /// entries moved to the upper half as their hash says); one at or above it still chains the
    /// entries of both halves. -1 when not splitting.
    /// </summary>
    private int _split = -1;

    /// <summary>
    /// While a table of several segments shrinks: the slot count it shrinks to (whole segments). Its top
    /// slots move down into free ones a few per removal, and each segment emptied so goes. -1 otherwise.
    /// </summary>
    private int _drainTo = -1;

    public ScanTable(int capacity = MinCapacity)
    {
        _segments = Layout(Math.Max(capacity, MinCapacity), out _capacity);
        _buckets = new int[BucketsFor(_capacity)];
    }

    public int Count => _used - _freeCount;

    /// <summary>Slots held (what a shrink gives back).</summary>
    internal int Capacity => _capacity;

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
        return ref index < 0 ? ref Unsafe.NullRef<TEntry>() : ref At(index).Entry;
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
        return ref At(index).Entry;
    }

    /// <summary>Adds an entry whose key is known to be absent (snapshot loading, cloning).</summary>
    public void AddNew(in TEntry entry)
    {
        int index = AddSlot(HashOf(entry.Key));   // first: adding may add a segment
        At(index).Entry = entry;
    }

    public bool Remove(ReadOnlySpan<byte> key, out TEntry removed)
    {
        int hash = HashOf(key);
        int bucket = BucketOf(hash);
        int previous = -1;
        for (int i = _buckets[bucket] - 1; i >= 0; previous = i, i = At(i).Next)
        {
            ref var slot = ref At(i);
            if (slot.Hash != hash || !slot.Entry.Key.SequenceEqual(key))
                continue;
            if (previous < 0) _buckets[bucket] = slot.Next + 1;
            else At(previous).Next = slot.Next;
            removed = slot.Entry;
            slot.Entry = default;
            Free(i);
            if (_drainTo >= 0)
                DrainSome();
            else if (Count * 8 < _capacity && _capacity > MinCapacity)
                Shrink();
            else if (_split >= 0)
                SplitSome();
            return true;
        }
        removed = default;
        return false;
    }

    public bool Remove(ReadOnlySpan<byte> key) => Remove(key, out _);

    public void Clear()
    {
        _segments = Layout(MinCapacity, out _capacity);
        _buckets = new int[MinCapacity];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
        _split = -1;
        _drainTo = -1;
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
        int half = _buckets.Length >> 1;
        int seen = 0;
        do
        {
            int bucket = (int)(cursor & mask);
            bool unsplit = Unsplit(bucket);
            for (int i = _buckets[unsplit ? bucket & (half - 1) : bucket] - 1; i >= 0; i = At(i).Next)
            {
                visitor.Visit(ref At(i).Entry);
                seen++;
            }
            cursor = NextCursor(cursor, mask);
            // An unsplit bucket's chain held its upper half's entries too, the next cursor's: past it (Redis's
            // scan of a smaller table with the larger one's buckets that expand it).
            if (unsplit && (bucket & half) == 0)
                cursor = NextCursor(cursor, mask);
        }
        while (cursor != 0 && seen < count);
        return cursor;
    }

    /// <summary>Increments the cursor's bits from the top, so buckets split by a resize are not revisited.</summary>
    private static ulong NextCursor(ulong cursor, ulong mask) => ReverseBits(ReverseBits(cursor | ~mask) + 1);

    /// <summary>A uniformly chosen entry; the table must not be empty.</summary>
    public ref TEntry Random(Random random)
    {
        // Shrinking keeps at least one live slot in eight, so this ends quickly.
        while (true)
        {
            ref var slot = ref At(random.Next(_used));
            if (slot.Next >= -1)
                return ref slot.Entry;
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
                if (table.At(_index).Next >= -1)
                    return true;
            return false;
        }

        public readonly ref TEntry Current => ref table.At(_index).Entry;
    }

    private ref Slot At(int index) => ref SlotIn(_segments, index);

    private static ref Slot SlotIn(Slot[][] segments, int index) => ref segments[index >> SegmentBits][index & (SegmentSize - 1)];

    /// <summary>The bucket that chains <paramref name="hash"/>'s entries: while splitting, an unsplit bucket of the lower half.</summary>
    private int BucketOf(int hash)
    {
        int bucket = hash & (_buckets.Length - 1);
        return Unsplit(bucket) ? bucket & ((_buckets.Length >> 1) - 1) : bucket;
    }

    /// <summary>Whether <paramref name="bucket"/> is one whose lower-half bucket is not split yet (that one chains both halves' entries).</summary>
    private bool Unsplit(int bucket) => _split >= 0 && (bucket & ((_buckets.Length >> 1) - 1)) >= _split;

    private int IndexOf(ReadOnlySpan<byte> key, int hash)
    {
        for (int i = _buckets[BucketOf(hash)] - 1; i >= 0; i = At(i).Next)
        {
            ref var slot = ref At(i);
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
            index = TakeFree();
        }
        else
        {
            _drainTo = -1;   // grown back: a shrink in progress keeps the rest of its segments
            if (_used == _capacity)
                AddSegment();
            index = _used++;
        }
        if (_split >= 0)
            SplitSome();
        else if (Count > _buckets.Length)
            BeginSplit();
        int bucket = BucketOf(hash);
        ref var slot = ref At(index);
        slot.Hash = hash;
        slot.Next = _buckets[bucket] - 1;
        _buckets[bucket] = index + 1;
        return index;
    }

    /// <summary>More slots: a lone segment smaller than <see cref="SegmentSize"/> doubles (a copy of at most half a segment); past that, one more segment.</summary>
    private void AddSegment()
    {
        if (_capacity < SegmentSize)
        {
            var grown = new Slot[_capacity * 2];
            Array.Copy(_segments[0], grown, _used);
            _segments[0] = grown;
            _capacity *= 2;
            return;
        }
        int count = _capacity >> SegmentBits;
        if (count == _segments.Length)
            Array.Resize(ref _segments, count * 2);   // references only
        _segments[count] = new Slot[SegmentSize];
        _capacity += SegmentSize;
    }

    /// <summary>Doubles the bucket array (a copy of 4 bytes a bucket); its lower half's buckets are split over the next changes.</summary>
    private void BeginSplit()
    {
        var buckets = new int[_buckets.Length * 2];
        _buckets.CopyTo(buckets, 0);
        _buckets = buckets;
        _split = 0;
    }

    /// <summary>Splits the next <see cref="SplitsPerChange"/> buckets of the lower half: each entry stays or moves to the upper half by its hash.</summary>
    private void SplitSome()
    {
        int half = _buckets.Length >> 1;
        for (int n = 0; n < SplitsPerChange && _split >= 0; n++)
        {
            int lower = 0, upper = 0;
            for (int i = _buckets[_split] - 1; i >= 0;)
            {
                ref var slot = ref At(i);
                int next = slot.Next;
                if ((slot.Hash & half) == 0) { slot.Next = lower - 1; lower = i + 1; }
                else { slot.Next = upper - 1; upper = i + 1; }
                i = next;
            }
            _buckets[_split] = lower;
            _buckets[_split + half] = upper;
            if (++_split == half)
                _split = -1;
        }
    }

    /// <summary>
    /// After most entries went: a lone segment is rebuilt at half its size (a copy of at most 2,048 entries);
    /// a table of several segments drains its top slots over the next removals instead (<see cref="DrainSome"/>).
    /// A doubling still splitting its buckets goes on first.
    /// </summary>
    private void Shrink()
    {
        if (_split >= 0)
        {
            SplitSome();
        }
        else if (_capacity <= SegmentSize)
        {
            Resize(_capacity / 2);
        }
        else
        {
            _drainTo = Math.Max(SegmentSize, (Count * 2 + SegmentSize - 1) & ~(SegmentSize - 1));   // whole segments, room for twice what is left
            DrainSome();
        }
    }

    /// <summary>
    /// Moves the entries of the top slots down into free ones, <see cref="DrainsPerRemoval"/> slots a
    /// removal, and lets go of each segment left empty, so no single change rebuilds the table (as Redis
    /// rehashes a shrinking table incrementally). Buckets are untouched: an entry stays in its chain,
    /// relinked where it lies now, so a SCAN in progress misses nothing. Only removals drain: a reference
    /// to an entry stays valid while others are added. Stops once the table is down to its target, or has
    /// grown back and has no free slot left below its top.
    /// </summary>
    private void DrainSome()
    {
        for (int n = 0; n < DrainsPerRemoval && _drainTo >= 0; n++)
        {
            int top = _used - 1;
            if (_used <= _drainTo || (At(top).Next >= -1 && _freeCount == 0))
            {
                _drainTo = -1;
                return;
            }
            if (At(top).Next < -1)
                Unlink(top);
            else
                Move(top, TakeFree());
            _used--;
            if (_used <= _capacity - SegmentSize)
            {
                _capacity -= SegmentSize;
                _segments[_capacity >> SegmentBits] = null!;
            }
        }
    }

    /// <summary>Moves a live slot's entry to the free slot <paramref name="to"/>, relinking the chain link that pointed at it.</summary>
    private void Move(int from, int to)
    {
        ref var source = ref At(from);
        int bucket = BucketOf(source.Hash);
        if (_buckets[bucket] - 1 == from)
        {
            _buckets[bucket] = to + 1;
        }
        else
        {
            int previous = _buckets[bucket] - 1;
            while (At(previous).Next != from)
                previous = At(previous).Next;
            At(previous).Next = to;
        }
        At(to) = source;
        source = default;
    }

    /// <summary>Puts slot <paramref name="index"/> first on the free list (doubly linked, so the drain can take any slot off it).</summary>
    private void Free(int index)
    {
        ref var slot = ref At(index);
        slot.Next = -3 - _freeList;
        slot.Hash = -1;
        if (_freeList >= 0)
            At(_freeList).Hash = index;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>Takes the first free slot (there must be one).</summary>
    private int TakeFree()
    {
        int index = _freeList;
        _freeList = -3 - At(index).Next;
        if (_freeList >= 0)
            At(_freeList).Hash = -1;
        _freeCount--;
        return index;
    }

    /// <summary>Takes free slot <paramref name="index"/> off the free list, wherever it is on it.</summary>
    private void Unlink(int index)
    {
        ref var slot = ref At(index);
        int previous = slot.Hash, next = -3 - slot.Next;
        if (previous >= 0)
            At(previous).Next = slot.Next;
        else
            _freeList = next;
        if (next >= 0)
            At(next).Hash = previous;
        _freeCount--;
    }

    /// <summary>Rebuilds at <paramref name="capacity"/> slots, packing live entries to the front (a lone segment's shrink).</summary>
    private void Resize(int capacity)
    {
        var segments = Layout(capacity, out int newCapacity);
        var buckets = new int[BucketsFor(newCapacity)];
        int used = 0;
        for (int i = 0; i < _used; i++)
        {
            ref var old = ref At(i);
            if (old.Next < -1)
                continue;
            ref var slot = ref SlotIn(segments, used);
            slot.Hash = old.Hash;
            slot.Entry = old.Entry;
            int bucket = old.Hash & (buckets.Length - 1);
            slot.Next = buckets[bucket] - 1;
            buckets[bucket] = ++used;
        }
        _segments = segments;
        _capacity = newCapacity;
        _buckets = buckets;
        _used = used;
        _freeList = -1;
        _freeCount = 0;
        _split = -1;
        _drainTo = -1;
    }

    /// <summary>Segments for at least <paramref name="capacity"/> slots: one of a power of two below <see cref="SegmentSize"/>, whole segments above.</summary>
    private static Slot[][] Layout(int capacity, out int total)
    {
        if (capacity <= SegmentSize)
        {
            total = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
            return [new Slot[total]];
        }
        int count = (int)((capacity + (long)SegmentSize - 1) >> SegmentBits);
        var segments = new Slot[count][];
        for (int i = 0; i < count; i++)
            segments[i] = new Slot[SegmentSize];
        total = count << SegmentBits;
        return segments;
    }

    /// <summary>Buckets for a table of <paramref name="capacity"/> slots: a power of two, at least one a slot.</summary>
    private static int BucketsFor(int capacity) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);

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
