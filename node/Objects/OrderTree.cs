namespace Istore.Node.Objects;

/// <summary>A monotone predicate over a tree's order: true for a prefix of the items, false after.</summary>
public interface IOrderBound<T>
{
    bool IsBelow(T item);
}

/// <summary>
/// A counted B+ tree: distinct items kept in <typeparamref name="TOrder"/> order, with subtree sizes,
/// so insert, remove, rank, select-by-rank and bound searches are O(log n) and a range of m items
/// is walked in O(log n + m) along linked leaves. Items sit in arrays (8 bytes each for a
/// reference), far denser than a skip list's per-node towers. Inner separators are lower bounds
/// of their child, always live items: removing an item that is a separator puts its child's new
/// first item there, since an order may read state that dies with the item (a ranklist's member
/// ids are reused once released). Underfull neighbours are merged so churn cannot leave the tree sparse.
/// </summary>
public sealed class OrderTree<T, TOrder> where TOrder : struct, IComparer<T>
{
    private const int Capacity = 64;
    private const int MergeBelow = Capacity / 4;

    private abstract class Node
    {
        public int Size;     // items in the subtree
        public int Length;   // entries in this node
    }

    private sealed class Leaf : Node
    {
        public readonly T[] Items = new T[Capacity + 1];   // one spare slot: insert, then split
        public Leaf? Next;
        public Leaf? Previous;
    }

    private sealed class Inner : Node
    {
        public readonly Node[] Children = new Node[Capacity + 1];
        public readonly T[] Keys = new T[Capacity + 1];   // Keys[i] ≤ every item of Children[i]; Keys[0] unused
    }

    private readonly TOrder _order;
    private Node _root = new Leaf();

    public OrderTree() : this(default) { }

    /// <summary>A tree in an order that needs state (a ranklist's, which reads member bytes from its member table).</summary>
    public OrderTree(TOrder order) => _order = order;

    public int Count => _root.Size;

    /// <summary>A copy sharing no node with this tree, built node for node: array copies, no comparisons.</summary>
    public OrderTree<T, TOrder> Clone()
    {
        Leaf? previous = null;
        return new OrderTree<T, TOrder>(_order) { _root = CopyOf(_root, ref previous) };
    }

    /// <summary>Copies a subtree, linking its leaves after <paramref name="previous"/> in order.</summary>
    private static Node CopyOf(Node node, ref Leaf? previous)
    {
        if (node is Leaf leaf)
        {
            var leafCopy = new Leaf { Size = leaf.Size, Length = leaf.Length, Previous = previous };
            Array.Copy(leaf.Items, leafCopy.Items, leaf.Length);
            if (previous is not null)
                previous.Next = leafCopy;
            previous = leafCopy;
            return leafCopy;
        }
        var inner = (Inner)node;
        var copy = new Inner { Size = inner.Size, Length = inner.Length };
        Array.Copy(inner.Keys, copy.Keys, inner.Length);
        for (int i = 0; i < inner.Length; i++)
            copy.Children[i] = CopyOf(inner.Children[i], ref previous);
        return copy;
    }

    public void Add(T item)
    {
        var right = Insert(_root, item, out T separator);
        if (right is null)
            return;
        var root = new Inner { Length = 2, Size = _root.Size + right.Size };
        root.Children[0] = _root;
        root.Children[1] = right;
        root.Keys[1] = separator;
        _root = root;
    }

    public bool Remove(T item)
    {
        if (!Remove(_root, item))
            return false;
        while (_root is Inner { Length: 1 } single)
            _root = single.Children[0];
        if (_root is Inner { Length: 0 })
            _root = new Leaf();
        return true;
    }

    public void Clear() => _root = new Leaf();

    /// <summary>The 0-based position of <paramref name="item"/>, or -1 when absent.</summary>
    public int RankOf(T item)
    {
        int rank = 0;
        var node = _root;
        while (node is Inner inner)
        {
            int i = ChildFor(inner, item);
            for (int c = 0; c < i; c++)
                rank += inner.Children[c].Size;
            node = inner.Children[i];
        }
        var leaf = (Leaf)node;
        int index = Search(leaf, item);
        return index < 0 ? -1 : rank + index;
    }

    /// <summary>How many items the bound is above: the rank of the first item not below it.</summary>
    public int CountBelow<TBound>(TBound bound) where TBound : IOrderBound<T>
    {
        int rank = 0;
        var node = _root;
        while (node is Inner inner)
        {
            int lo = 1, hi = inner.Length - 1, child = 0;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (bound.IsBelow(inner.Keys[mid])) { child = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            for (int c = 0; c < child; c++)
                rank += inner.Children[c].Size;
            node = inner.Children[child];
        }
        var leaf = (Leaf)node;
        int low = 0, high = leaf.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (bound.IsBelow(leaf.Items[mid])) low = mid + 1;
            else high = mid;
        }
        return rank + low;
    }

    public T this[int rank] => Walk(rank).Current;

    /// <summary>A walker positioned on the item at <paramref name="rank"/> (0 ≤ rank &lt; Count).</summary>
    public Walker Walk(int rank)
    {
        var leaf = LeafAt(ref rank);
        return new Walker(leaf, rank);
    }

    /// <summary>The leaf holding <paramref name="rank"/>, which becomes the index in it.</summary>
    private Leaf LeafAt(ref int rank)
    {
        if ((uint)rank >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(rank));
        var node = _root;
        while (node is Inner inner)
        {
            int c = 0;
            while (rank >= inner.Children[c].Size)
                rank -= inner.Children[c++].Size;
            node = inner.Children[c];
        }
        return (Leaf)node;
    }

    /// <summary>Copies the items at ranks [first, first + destination.Length), leaf by leaf.</summary>
    public void CopyTo(int first, Span<T> destination)
    {
        if (destination.IsEmpty)
            return;
        var leaf = LeafAt(ref first);
        int index = first;
        while (!destination.IsEmpty)
        {
            int take = Math.Min(leaf!.Length - index, destination.Length);
            leaf.Items.AsSpan(index, take).CopyTo(destination);
            destination = destination[take..];
            leaf = leaf.Next;
            index = 0;
        }
    }

    /// <summary>Moves along the linked leaves from one item to its neighbours.</summary>
    public struct Walker
    {
        private Leaf? _leaf;
        private int _index;

        internal Walker(object leaf, int index)
        {
            _leaf = (Leaf)leaf;
            _index = index;
        }

        public readonly T Current => _leaf!.Items[_index];

        public bool MoveNext()
        {
            if (++_index < _leaf!.Length)
                return true;
            _leaf = _leaf.Next;
            _index = 0;
            return _leaf is not null;
        }

        public bool MovePrevious()
        {
            if (--_index >= 0)
                return true;
            _leaf = _leaf!.Previous;
            _index = _leaf is null ? 0 : _leaf.Length - 1;
            return _leaf is not null;
        }
    }

    /// <summary>
    /// Array.BinarySearch's contract (index, or the complement of the insertion point) with the
    /// order as a struct type argument: no boxing and an inlinable compare on every step.
    /// </summary>
    private int Search(Leaf leaf, T item)
    {
        var order = _order;
        int lo = 0, hi = leaf.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = order.Compare(leaf.Items[mid], item);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private int ChildFor(Inner inner, T item)
    {
        var order = _order;
        int lo = 1, hi = inner.Length - 1, child = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (order.Compare(inner.Keys[mid], item) <= 0) { child = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return child;
    }

    /// <summary>Inserts under <paramref name="node"/>; returns the new right sibling when the node split.</summary>
    private Node? Insert(Node node, T item, out T separator)
    {
        separator = default!;
        if (node is Leaf leaf)
        {
            int index = Search(leaf, item);
            if (index >= 0)
                throw new InvalidOperationException("item already in the tree");
            index = ~index;
            leaf.Size++;
            Array.Copy(leaf.Items, index, leaf.Items, index + 1, leaf.Length - index);
            leaf.Items[index] = item;
            leaf.Length++;
            return leaf.Length > Capacity ? SplitLeaf(leaf, out separator) : null;
        }
        var inner = (Inner)node;
        int i = ChildFor(inner, item);
        var right = Insert(inner.Children[i], item, out T childSeparator);
        inner.Size++;   // only once the item is in: a duplicate throws with every size intact
        if (right is null)
            return null;
        Array.Copy(inner.Children, i + 1, inner.Children, i + 2, inner.Length - i - 1);
        Array.Copy(inner.Keys, i + 1, inner.Keys, i + 2, inner.Length - i - 1);
        inner.Children[i + 1] = right;
        inner.Keys[i + 1] = childSeparator;
        inner.Length++;
        return inner.Length > Capacity ? SplitInner(inner, out separator) : null;
    }

    private static Leaf SplitLeaf(Leaf leaf, out T separator)
    {
        int keep = leaf.Length / 2;
        var right = new Leaf { Length = leaf.Length - keep, Next = leaf.Next, Previous = leaf };
        Array.Copy(leaf.Items, keep, right.Items, 0, right.Length);
        Array.Clear(leaf.Items, keep, right.Length);
        leaf.Length = keep;
        leaf.Size = keep;
        right.Size = right.Length;
        if (leaf.Next is not null)
            leaf.Next.Previous = right;
        leaf.Next = right;
        separator = right.Items[0];
        return right;
    }

    private static Inner SplitInner(Inner inner, out T separator)
    {
        int keep = inner.Length / 2;
        var right = new Inner { Length = inner.Length - keep };
        Array.Copy(inner.Children, keep, right.Children, 0, right.Length);
        Array.Copy(inner.Keys, keep, right.Keys, 0, right.Length);
        Array.Clear(inner.Children, keep, right.Length);
        Array.Clear(inner.Keys, keep, right.Length);
        inner.Length = keep;
        separator = right.Keys[0];
        right.Keys[0] = default!;
        right.Size = SumSizes(right);
        inner.Size -= right.Size;
        return right;
    }

    private bool Remove(Node node, T item)
    {
        if (node is Leaf leaf)
        {
            int index = Search(leaf, item);
            if (index < 0)
                return false;
            leaf.Length--;
            Array.Copy(leaf.Items, index + 1, leaf.Items, index, leaf.Length - index);
            leaf.Items[leaf.Length] = default!;
            leaf.Size--;
            return true;
        }
        var inner = (Inner)node;
        int i = ChildFor(inner, item);
        var child = inner.Children[i];
        if (!Remove(child, item))
            return false;
        inner.Size--;
        if (child.Length == 0)
        {
            RemoveChild(inner, i);
            return true;
        }
        if (i > 0 && EqualityComparer<T>.Default.Equals(inner.Keys[i], item))
            inner.Keys[i] = First(child);
        if (child.Length < MergeBelow)
            MergeWithNeighbour(inner, i);
        return true;
    }

    private static T First(Node node)
    {
        while (node is Inner inner)
            node = inner.Children[0];
        return ((Leaf)node).Items[0];
    }

    /// <summary>Folds an underfull child into a neighbour when both fit in one node.</summary>
    private static void MergeWithNeighbour(Inner parent, int i)
    {
        int left = i > 0 && parent.Children[i - 1].Length + parent.Children[i].Length <= Capacity ? i - 1
            : i + 1 < parent.Length && parent.Children[i].Length + parent.Children[i + 1].Length <= Capacity ? i
            : -1;
        if (left < 0)
            return;
        var a = parent.Children[left];
        var b = parent.Children[left + 1];
        if (a is Leaf la)
        {
            var lb = (Leaf)b;
            Array.Copy(lb.Items, 0, la.Items, la.Length, lb.Length);
            la.Length += lb.Length;
        }
        else
        {
            var ia = (Inner)a;
            var ib = (Inner)b;
            Array.Copy(ib.Children, 0, ia.Children, ia.Length, ib.Length);
            Array.Copy(ib.Keys, 0, ia.Keys, ia.Length, ib.Length);
            ia.Keys[ia.Length] = parent.Keys[left + 1];   // b's own first key was unused
            ia.Length += ib.Length;
        }
        a.Size += b.Size;
        b.Size = 0;
        b.Length = 0;
        RemoveChild(parent, left + 1);
    }

    private static void RemoveChild(Inner inner, int i)
    {
        if (inner.Children[i] is Leaf leaf)
        {
            if (leaf.Previous is not null) leaf.Previous.Next = leaf.Next;
            if (leaf.Next is not null) leaf.Next.Previous = leaf.Previous;
        }
        inner.Length--;
        Array.Copy(inner.Children, i + 1, inner.Children, i, inner.Length - i);
        Array.Copy(inner.Keys, i + 1, inner.Keys, i, inner.Length - i);
        inner.Children[inner.Length] = null!;
        inner.Keys[inner.Length] = default!;
        inner.Keys[0] = default!;
    }

    private static int SumSizes(Inner inner)
    {
        int size = 0;
        for (int c = 0; c < inner.Length; c++)
            size += inner.Children[c].Size;
        return size;
    }
}
