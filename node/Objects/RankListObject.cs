using Istore.Node.Engine;
using Istore.Ranklist;

namespace Istore.Node.Objects;

/// <summary>
/// A ranklist: entries (score, member id) in an <see cref="OrderTree{T, TOrder}"/> by score
/// descending, ties by member ascending, so rank 0 is the best, and id → score in
/// <see cref="MemberScores"/> for O(1) lookups (RL.SCORE and the recall's random access). Members
/// are interned in the database's <see cref="MemberTable"/>, so their bytes are stored once for
/// all lists. An optional <see cref="MaxLength"/> caps it: every write evicts the lowest beyond it.
/// <para>
/// Each entry holds a reference on its member id. The object counts the keys storing it
/// (<see cref="Attach"/>, <see cref="Detach"/>, called by the object space): when the last key
/// lets go, every reference is released and the object is spent — storing it again is a bug and throws.
/// </para>
/// </summary>
public sealed class RankListObject : RankListValue, IRecallList
{
    private MemberTable _members;
    private MemberScores _scores;
    private OrderTree<RankedMember, RankOrder> _byRank;
    private int _holders;
    private bool _spent;
    private long _version;

    /// <summary>
    /// The pinned list this one succeeded (<see cref="Successor"/>), while it may still be pinned: its
    /// readers still name members by the ids this list holds, so this list's releases wait for them.
    /// </summary>
    private RankListObject? _predecessor;

    /// <summary>Set once this list handed its member references to a successor: it releases only what the successor deferred to it.</summary>
    private List<int>? _deferredReleases;

    /// <summary>A list interning into <paramref name="members"/>; a list of its own until stored, when it joins its database's.</summary>
    public RankListObject(MemberTable? members = null, int capacity = 8)
    {
        _members = members ?? new MemberTable();
        _scores = new MemberScores(capacity);
        _byRank = NewTree(_members);
    }

    private RankListObject(MemberTable members, MemberScores scores, OrderTree<RankedMember, RankOrder> byRank)
    {
        _members = members;
        _scores = scores;
        _byRank = byRank;
    }

    public MemberTable Members => _members;

    public long Version => _version;

    public override long MaxLength { get; set; }

    public override long Length => _scores.Count;

    public int Count => _scores.Count;

    public bool TryGetScore(int id, out double score) => _scores.TryGetValue(id, out score);

    public override bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        int id = _members.Find(member);
        score = 0;
        return id >= 0 && _scores.TryGetValue(id, out score);
    }

    public override bool Set(ReadOnlySpan<byte> member, double score)
    {
        int id = _members.Acquire(member);
        if (_scores.TryGetValue(id, out double old))
        {
            _members.Release(id);   // the entry already holds its reference
            if (old == score)
                return false;
            _byRank.Remove(new RankedMember(old, id));
        }
        _version++;
        _byRank.Add(new RankedMember(score, id));
        return _scores.Set(id, score);
    }

    public override bool Remove(ReadOnlySpan<byte> member)
    {
        int id = _members.Find(member);
        if (id < 0 || !_scores.TryGetValue(id, out double score))
            return false;
        RemoveEntry(new RankedMember(score, id));
        return true;
    }

    public override long RankOf(ReadOnlySpan<byte> member)
    {
        int id = _members.Find(member);
        return id >= 0 && _scores.TryGetValue(id, out double score) ? _byRank.RankOf(new RankedMember(score, id)) : -1;
    }

    /// <summary>How many entries rank before <paramref name="bound"/> (RL.RANGEBYSCORE).</summary>
    public int CountBelow(DescendingScoreBound bound) => _byRank.CountBelow(bound);

    public void CopyRanks(int first, Span<RankedMember> into) => _byRank.CopyTo(first, into);

    public override long Trim(long maxLength)
    {
        long removed = 0;
        for (; Count > maxLength; removed++)
            RemoveEntry(_byRank[Count - 1]);
        return removed;
    }

    public override void VisitRanks(long first, long count, RankEntryVisitor visit) =>
        ForEachRank((int)first, (int)count, entry => visit(_members.MemberOf(entry.Id), entry.Score));

    /// <summary>Both bounds resolved to ranks in O(log n), then the ranks between copied out.</summary>
    public override List<RankEntry> EntriesBetween(DescendingScoreBound from, DescendingScoreBound to, long skip, long take)
    {
        int first = CountBelow(from);
        int count = Math.Max(0, CountBelow(to) - first);
        skip = Math.Min(skip, count);
        int length = (int)(take < 0 ? count - skip : Math.Min(take, count - skip));
        var entries = new List<RankEntry>(length);
        ForEachRank(first + (int)skip, length, entry => entries.Add(new RankEntry(_members.BytesOf(entry.Id), entry.Score)));
        return entries;
    }

    /// <summary>The entries at ranks [first, first + count), read a chunk at a time.</summary>
    private void ForEachRank(int first, int count, Action<RankedMember> visit)
    {
        var chunk = new RankedMember[Math.Min(count, 256)];
        for (int done = 0; done < count; done += chunk.Length)
        {
            var entries = chunk.AsSpan(0, Math.Min(chunk.Length, count - done));
            CopyRanks(first + done, entries);
            foreach (var entry in entries)
                visit(entry);
        }
    }

    /// <summary>A stored list is its own recall input, over its database's member table.</summary>
    public override IRecallList OpenRecall(ref MemberTable? members, int depth)
    {
        if ((members ??= _members) != _members)
            throw new InvalidOperationException("a recall mixed ranklists of two databases");
        return this;
    }

    /// <summary>A key now stores this list: it interns into that key's database from now on.</summary>
    public void Attach(MemberTable database)
    {
        if (_spent)
            throw new InvalidOperationException("a released ranklist was stored again");
        if (_holders++ > 0)
        {
            if (_members != database)
                throw new InvalidOperationException("a ranklist was stored in two databases");
            return;
        }
        if (_members == database)
            return;
        var entries = Entries();
        _version++;
        var previous = _members;
        _members = database;
        _scores = new MemberScores(entries.Count);
        _byRank = NewTree(database);
        foreach (var (id, score) in entries)
        {
            Set(previous.MemberOf(id), score);
            previous.Release(id);
        }
    }

    /// <summary>
    /// A key stopped storing this list; after the last one its members are released (once no
    /// recall holds it pinned: until then its ids must keep naming its members).
    /// </summary>
    public void Detach()
    {
        if (_holders <= 0)
            throw new InvalidOperationException("a ranklist was detached more often than stored");
        if (--_holders > 0 || Pins > 0)
            return;
        ReleaseMembers();
    }

    protected override void Unpinned()
    {
        if (_holders == 0 && !_spent)
            ReleaseMembers();
    }

    /// <summary>
    /// A writer met this list pinned: the successor takes this list's entries and, instead of a
    /// reference more on each member (a random access per member, and as many releases when this
    /// list is let go, both under the keyspace lock), this list's references. What the successor
    /// releases while this list is still pinned waits for its unpin.
    /// </summary>
    public override StoredObject Successor()
    {
        if (_holders != 1)
            return Clone();
        _deferredReleases = [];
        return new RankListObject(_members, _scores.Clone(), _byRank.Clone()) { MaxLength = MaxLength, _predecessor = this };
    }

    /// <summary>Drops the reference an entry of this list held on a member.</summary>
    private void ReleaseReference(int id)
    {
        if (_predecessor is { Pins: > 0 } predecessor)
            predecessor._deferredReleases!.Add(id);
        else
        {
            _predecessor = null;
            _members.Release(id);
        }
    }

    /// <summary>An exclusion of the recall's own table answers by id: a lookup by bytes would walk the table's chains, which writers change while a pinned recall runs.</summary>
    public override bool Contains(MemberTable members, int id) =>
        members == _members ? _scores.TryGetValue(id, out _) : Contains(members.MemberOf(id));

    /// <summary>Releases the references this list holds: its entries', or once handed to a successor, only those the successor deferred to it.</summary>
    private void ReleaseMembers()
    {
        if (_deferredReleases is null)
            foreach (var (id, _) in _scores)
                ReleaseReference(id);
        else
            foreach (int id in _deferredReleases)
                ReleaseReference(id);
        _deferredReleases = null;
        _scores = new MemberScores();
        _byRank = NewTree(_members);
        _version++;
        _spent = true;
    }

    /// <summary>A copy over the same member table (each member gets one more reference), its map and tree copied whole.</summary>
    public override StoredObject Clone()
    {
        foreach (var (id, _) in _scores)
            _members.AddReference(id);
        return new RankListObject(_members, _scores.Clone(), _byRank.Clone()) { MaxLength = MaxLength };
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteInt64(MaxLength);
        writer.WriteVarUInt((ulong)Count);
        foreach (var (id, score) in _scores)
        {
            writer.WriteBytes(_members.MemberOf(id));
            writer.WriteDouble(score);
        }
    }

    public static RankListObject ReadFrom(ref SnapshotReader reader, MemberTable members)
    {
        long maxLength = reader.ReadInt64();
        int count = reader.ReadCount();
        var list = new RankListObject(members, count) { MaxLength = maxLength };
        for (int i = 0; i < count; i++)
        {
            var member = reader.ReadBytes();
            double score = reader.ReadDouble();
            if (double.IsNaN(score))
                throw new InvalidDataException("NaN score in snapshot");
            list.Set(member, score);
        }
        return list;
    }

    private static OrderTree<RankedMember, RankOrder> NewTree(MemberTable members) => new(new RankOrder(members));

    private void RemoveEntry(RankedMember entry)
    {
        _version++;
        _byRank.Remove(entry);
        _scores.Remove(entry.Id);
        ReleaseReference(entry.Id);
    }

    private List<(int Id, double Score)> Entries()
    {
        var entries = new List<(int, double)>(Count);
        foreach (var entry in _scores)
            entries.Add(entry);
        return entries;
    }
}

/// <summary>A ranklist's order: score descending, ties by member ascending (bytewise, read from the member table).</summary>
public readonly struct RankOrder(MemberTable members) : IComparer<RankedMember>
{
    public int Compare(RankedMember x, RankedMember y) => RecallOrder.Compare(members, x.Score, x.Id, y.Score, y.Id);
}

/// <summary>One end of a score range over a ranklist: below it (earlier in rank) are the higher scores, and equal ones when <see cref="IncludesEqual"/>.</summary>
public readonly record struct DescendingScoreBound(double Value, bool IncludesEqual) : IOrderBound<RankedMember>
{
    public bool IsBelow(RankedMember item) => item.Score > Value || (IncludesEqual && item.Score == Value);
}
