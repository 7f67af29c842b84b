using System.Numerics;

namespace Istore.Node.Objects;

/// <summary>
/// A ranklist's member id → score map: open addressing with linear probing over two flat arrays
/// (12 bytes a slot, filled up to 80%), ids spread by Fibonacci hashing, removal by shifting the
/// rest of the run back so no tombstones accumulate. Far smaller than a table of references, and a
/// lookup is one or two cache lines.
/// </summary>
public sealed class MemberScores
{
    private const int MinCapacity = 8;

    private int[] _keys;       // id + 1; 0 = empty slot
    private double[] _scores;
    private int _shift;        // 64 - log2(capacity): the top bits of the hash pick the slot

    public MemberScores(int capacity = MinCapacity)
    {
        int size = SizeFor(capacity);
        _keys = new int[size];
        _scores = new double[size];
        _shift = 64 - BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    /// <summary>A copy of the map: its two arrays copied whole.</summary>
    public MemberScores Clone()
    {
        var copy = new MemberScores { _keys = (int[])_keys.Clone(), _scores = (double[])_scores.Clone(), _shift = _shift };
        copy.Count = Count;
        return copy;
    }

    public bool TryGetValue(int id, out double score)
    {
        int mask = _keys.Length - 1;
        for (int i = SlotOf(id); ; i = (i + 1) & mask)
        {
            int key = _keys[i];
            if (key == id + 1)
            {
                score = _scores[i];
                return true;
            }
            if (key == 0)
            {
                score = 0;
                return false;
            }
        }
    }

    /// <summary>Sets the score of <paramref name="id"/>; true when it was not there.</summary>
    public bool Set(int id, double score)
    {
        int mask = _keys.Length - 1;
        int i = SlotOf(id);
        for (; _keys[i] != 0; i = (i + 1) & mask)
        {
            if (_keys[i] == id + 1)
            {
                _scores[i] = score;
                return false;
            }
        }
        _keys[i] = id + 1;
        _scores[i] = score;
        if (++Count > _keys.Length / 5 * 4)
            Resize(_keys.Length * 2);
        return true;
    }

    public bool Remove(int id)
    {
        int mask = _keys.Length - 1;
        int i = SlotOf(id);
        while (_keys[i] != id + 1)
        {
            if (_keys[i] == 0)
                return false;
            i = (i + 1) & mask;
        }
        // Shift later entries of the run back into the hole when their home slot allows it.
        for (int j = (i + 1) & mask; _keys[j] != 0; j = (j + 1) & mask)
        {
            int home = SlotOf(_keys[j] - 1);
            if (((j - home) & mask) >= ((j - i) & mask))
            {
                _keys[i] = _keys[j];
                _scores[i] = _scores[j];
                i = j;
            }
        }
        _keys[i] = 0;
        if (--Count < _keys.Length / 8 && _keys.Length > MinCapacity)
            Resize(_keys.Length / 2);
        return true;
    }

    /// <summary>Visits every (id, score).</summary>
    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator(MemberScores map)
    {
        private int _index = -1;

        public bool MoveNext()
        {
            while (++_index < map._keys.Length)
                if (map._keys[_index] != 0)
                    return true;
            return false;
        }

        public readonly (int Id, double Score) Current => (map._keys[_index] - 1, map._scores[_index]);
    }

    private int SlotOf(int id) => (int)(((ulong)(uint)id * 0x9E3779B97F4A7C15UL) >> _shift);

    private static int SizeFor(int count) => (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)(count + count / 4 + 1)));

    private void Resize(int size)
    {
        var keys = _keys;
        var scores = _scores;
        _keys = new int[size];
        _scores = new double[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        Count = 0;
        for (int i = 0; i < keys.Length; i++)
            if (keys[i] != 0)
                Set(keys[i] - 1, scores[i]);
    }
}
