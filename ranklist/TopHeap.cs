namespace Istore.Ranklist;

/// <summary>
/// The best <c>count</c> candidates so far, as a binary heap with the worst at the root, so a
/// candidate that cannot enter is turned away by one score comparison; equal scores compare
/// member bytes through the <see cref="MemberTable"/>.
/// </summary>
internal sealed class TopHeap(MemberTable members, int count)
{
    private RankedMember[] _heap = new RankedMember[Math.Min(count, 1024)];
    private int _size;

    public bool IsFull => _size == count;

    /// <summary>The worst score held; only when <see cref="IsFull"/>.</summary>
    public double WorstScore => _heap[0].Score;

    /// <summary>Whether (score, id) would enter: the heap has room or it ranks before the worst.</summary>
    public bool Admits(double score, int id) =>
        _size < count || RecallOrder.Compare(members, score, id, _heap[0].Score, _heap[0].Id) < 0;

    /// <summary>Adds a candidate that <see cref="Admits"/>, evicting the worst when full.</summary>
    public void Add(double score, int id)
    {
        var heap = _heap;
        if (_size < count)
        {
            if (_size == heap.Length)
                heap = _heap = Grow(heap);
            heap[_size] = new RankedMember(score, id);
            SiftUp(heap, _size++);
            return;
        }
        heap[0] = new RankedMember(score, id);
        SiftDown(heap, 0);
    }

    /// <summary>The candidates best first, members as their interned bytes.</summary>
    public List<RecallEntry> Drain()
    {
        var heap = _heap;
        var result = new List<RecallEntry>(_size);
        while (_size > 0)
        {
            result.Add(new RecallEntry(members.BytesOf(heap[0].Id), heap[0].Score));
            heap[0] = heap[--_size];
            SiftDown(heap, 0);
        }
        result.Reverse();
        return result;
    }

    private static RankedMember[] Grow(RankedMember[] heap)
    {
        var grown = new RankedMember[heap.Length * 2];
        heap.CopyTo(grown, 0);
        return grown;
    }

    /// <summary>True when <paramref name="a"/> ranks after <paramref name="b"/> (belongs nearer the root).</summary>
    private bool Worse(in RankedMember a, in RankedMember b) => RecallOrder.Compare(members, a.Score, a.Id, b.Score, b.Id) > 0;

    private void SiftUp(RankedMember[] heap, int i)
    {
        var item = heap[i];
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Worse(item, heap[parent]))
                break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = item;
    }

    private void SiftDown(RankedMember[] heap, int i)
    {
        var item = heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _size)
                break;
            if (child + 1 < _size && Worse(heap[child + 1], heap[child]))
                child++;
            if (!Worse(heap[child], item))
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }
}
