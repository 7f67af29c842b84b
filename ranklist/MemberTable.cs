namespace Istore.Ranklist;

/// <summary>
/// The members of one database's ranklists, interned: each distinct member's bytes are stored once
/// and named by a dense id, so a ranklist entry is (score, id) and a recall aggregates into an
/// array indexed by id. An id counts the ranklist entries holding it; the last release frees it
/// for reuse. Releasing an id nobody holds throws, so a double release fails loudly instead of
/// freeing a member another list still uses. Not thread-safe: the keyspace write lock guards it.
/// </summary>
public sealed class MemberTable
{
    private struct Slot
    {
        public byte[]? Bytes;    // null while the id is free
        public int References;
        public int Hash;
        public int Next;         // next id in the bucket's chain, or the next free id; -1 ends either
    }

    private const int MinSize = 16;

    private Slot[] _slots = new Slot[MinSize];
    private int[] _buckets = new int[MinSize];   // first id of the chain + 1; 0 = empty
    private int _limit;                          // ids handed out so far: every id is below it
    private int _free = -1;
    private RecallScratch? _scratch;
    private RecallScratch? _rowScratch;

    /// <summary>Distinct members held.</summary>
    public int Count { get; private set; }

    /// <summary>Every id in use is below this; sizes per-id scratch arrays.</summary>
    public int IdLimit => _limit;

    /// <summary>The id of <paramref name="member"/>, or -1 when no list holds it.</summary>
    public int Find(ReadOnlySpan<byte> member) => Find(member, HashOf(member));

    /// <summary>The id of <paramref name="member"/> with one more reference, interning it when new.</summary>
    public int Acquire(ReadOnlySpan<byte> member)
    {
        int hash = HashOf(member);
        int id = Find(member, hash);
        if (id >= 0)
        {
            _slots[id].References++;
            return id;
        }
        id = NewId();
        if (Count + 1 > _buckets.Length)
            Rehash(_buckets.Length * 2);
        ref var slot = ref _slots[id];
        slot.Bytes = member.ToArray();
        slot.References = 1;
        slot.Hash = hash;
        int bucket = hash & (_buckets.Length - 1);
        slot.Next = _buckets[bucket] - 1;
        _buckets[bucket] = id + 1;
        Count++;
        return id;
    }

    /// <summary>One more reference to a held id (a copied list).</summary>
    public void AddReference(int id)
    {
        ref var slot = ref HeldSlot(id);
        slot.References++;
    }

    /// <summary>Drops one reference; the last one frees the member and its id.</summary>
    public void Release(int id)
    {
        ref var slot = ref HeldSlot(id);
        if (--slot.References > 0)
            return;
        int bucket = slot.Hash & (_buckets.Length - 1);
        if (_buckets[bucket] - 1 == id)
        {
            _buckets[bucket] = slot.Next + 1;
        }
        else
        {
            int previous = _buckets[bucket] - 1;
            while (_slots[previous].Next != id)
                previous = _slots[previous].Next;
            _slots[previous].Next = slot.Next;
        }
        slot.Bytes = null;
        slot.Next = _free;
        _free = id;
        if (--Count == 0)
            Reset();   // the last ranklist went (DEL, FLUSHALL): give back the arrays sized for the high-water mark
    }

    /// <summary>
    /// Forgets every member at once: a table that serves one recall at a time (a disk engine's,
    /// interning only the windows read). Arrays grown past 65,536 ids are given back.
    /// </summary>
    public void Clear()
    {
        if (_limit > RetainedIds)
        {
            Reset();
        }
        else
        {
            Array.Clear(_slots, 0, _limit);
            Array.Clear(_buckets);
            _limit = 0;
            _free = -1;
        }
        Count = 0;
    }

    private const int RetainedIds = 1 << 16;

    /// <summary>How many list entries hold <paramref name="id"/> (0 when free).</summary>
    public int ReferencesOf(int id) => (uint)id < (uint)_limit ? _slots[id].References : 0;

    /// <summary>The bytes of a held id (shared: never change them).</summary>
    public byte[] BytesOf(int id) => HeldSlot(id).Bytes!;

    public ReadOnlySpan<byte> MemberOf(int id) => BytesOf(id);

    /// <summary>Recall order between two ids' members: bytewise, negative when <paramref name="a"/> comes first.</summary>
    public int CompareMembers(int a, int b) => a == b ? 0 : _slots[a].Bytes.AsSpan().SequenceCompareTo(_slots[b].Bytes);

    /// <summary>A recall's per-id scratch, begun afresh for the ids in use; one recall at a time (under the write lock).</summary>
    internal RecallScratch Scratch()
    {
        _scratch ??= new RecallScratch();
        _scratch.Begin(_limit);
        return _scratch;
    }

    [ThreadStatic] private static RecallScratch? t_scratch;

    /// <summary>
    /// <see cref="Scratch"/> of the calling thread, for a recall over pinned lists while writers
    /// change the table (<see cref="RecallQuery.Concurrent"/>): ids its lists hold stay below the limit read now.
    /// </summary>
    internal RecallScratch ThreadScratch()
    {
        t_scratch ??= new RecallScratch();
        t_scratch.Begin(Volatile.Read(ref _limit));
        return t_scratch;
    }

    /// <summary>The scratch as the last merge left it, when that merge was <paramref name="stamp"/>'s and nothing used the scratch since.</summary>
    internal RecallScratch? MergedScratch(MergeStamp stamp) => _scratch?.MergedFrom is { } held && held.SameAs(stamp) ? _scratch : null;

    /// <summary>A second scratch for marking rows (<see cref="PartialRecall.ScoresOf"/>), so it leaves a merge in the first one to be read again.</summary>
    internal RecallScratch RowScratch()
    {
        _rowScratch ??= new RecallScratch();
        _rowScratch.Begin(_limit);
        return _rowScratch;
    }

    private static int HashOf(ReadOnlySpan<byte> member)
    {
        var hash = new HashCode();
        hash.AddBytes(member);
        return hash.ToHashCode() & int.MaxValue;
    }

    private int Find(ReadOnlySpan<byte> member, int hash)
    {
        for (int id = _buckets[hash & (_buckets.Length - 1)] - 1; id >= 0; id = _slots[id].Next)
        {
            ref var slot = ref _slots[id];
            if (slot.Hash == hash && slot.Bytes.AsSpan().SequenceEqual(member))
                return id;
        }
        return -1;
    }

    private ref Slot HeldSlot(int id)
    {
        if ((uint)id >= (uint)_limit || _slots[id].References <= 0)
            throw new InvalidOperationException($"ranklist member id {id} is not held (released twice?)");
        return ref _slots[id];
    }

    private int NewId()
    {
        if (_free >= 0)
        {
            int reused = _free;
            _free = _slots[reused].Next;
            return reused;
        }
        if (_limit == _slots.Length)
            Array.Resize(ref _slots, _slots.Length * 2);
        return _limit++;
    }

    private void Reset()
    {
        _slots = new Slot[MinSize];
        _buckets = new int[MinSize];
        _limit = 0;
        _free = -1;
        _scratch = null;
    }

    private void Rehash(int size)
    {
        _buckets = new int[size];
        for (int id = 0; id < _limit; id++)
        {
            ref var slot = ref _slots[id];
            if (slot.Bytes is null)
                continue;
            int bucket = slot.Hash & (size - 1);
            slot.Next = _buckets[bucket] - 1;
            _buckets[bucket] = id + 1;
        }
    }
}
