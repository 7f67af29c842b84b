using System.Buffers.Binary;

namespace Istore.Node.Commands;

/// <summary>
/// Redis's HyperLogLog, byte for byte (hyperloglog.c): a string with the 16-byte header "HYLL",
/// encoding (0 dense, 1 sparse), three unused bytes and the cached cardinality (8 bytes, little
/// endian, top bit set = stale), then 16384 six-bit registers — packed densely (12288 bytes) or
/// run-length coded (ZERO 00xxxxxx, XZERO 01xxxxxx yyyyyyyy, VAL 1vvvvvxx). Elements are hashed
/// with MurmurHash64A and counted with Ertl's estimator, so values written here and by
/// redis-server are interchangeable and PFCOUNT gives the same numbers.
/// </summary>
public sealed class HyperLogLog
{
    public const int HeaderSize = 16;
    public const int Registers = 1 << P;
    public const int DenseSize = HeaderSize + Registers * RegisterBits / 8;
    private const int P = 14;
    private const int Q = 64 - P;
    private const int RegisterBits = 6;
    private const int RegisterMax = (1 << RegisterBits) - 1;
    private const byte Dense = 0;
    private const byte Sparse = 1;
    private const int SparseValueMax = 32;
    private const int SparseValueMaxRun = 4;
    private const int SparseZeroMaxRun = 64;
    private const int SparseXZeroMaxRun = 16384;
    /// <summary>Redis's hll-sparse-max-bytes default: a longer sparse form turns dense.</summary>
    private const int SparseMaxBytes = 3000;
    private const uint HashSeed = 0xadc83b19;

    public const string InvalidValueError = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    public const string CorruptError = "INVALIDOBJ Corrupted HLL object detected";

    private byte[] _bytes;
    private int _length;

    private HyperLogLog(byte[] bytes, int length)
    {
        _bytes = bytes;
        _length = length;
    }

    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _length);

    public bool IsDense => _bytes[4] == Dense;

    /// <summary>Register <paramref name="index"/> of a dense value.</summary>
    public byte DenseRegister(int index) => DenseGet(_bytes.AsSpan(HeaderSize, _length - HeaderSize), index);

    /// <summary>Turns a sparse value dense (PFDEBUG TODENSE/GETREG): false when its runs are corrupt.</summary>
    public bool TryMakeDense() => IsDense || ToDense();

    /// <summary>PFDEBUG DECODE's text for a sparse value: "z:len", "Z:len" and "v:value,len" runs.</summary>
    public static string DescribeSparse(ReadOnlySpan<byte> value)
    {
        var text = new System.Text.StringBuilder();
        var runs = value[HeaderSize..];
        for (int p = 0; p < runs.Length;)
        {
            byte op = runs[p];
            if ((op & 0xC0) == 0) { text.Append($"z:{(op & 0x3F) + 1} "); p++; }
            else if ((op & 0xC0) == 0x40) { text.Append($"Z:{XZeroRun(runs, p)} "); p += 2; }
            else { text.Append($"v:{((op >> 2) & 0x1F) + 1},{(op & 3) + 1} "); p++; }
        }
        return text.ToString().Trim(' ');
    }

    /// <summary>An empty HLL as PFADD creates it: sparse, one XZERO run over every register.</summary>
    public static HyperLogLog CreateEmpty()
    {
        var bytes = new byte[HeaderSize + 2];
        "HYLL"u8.CopyTo(bytes);
        bytes[4] = Sparse;
        WriteXZero(bytes.AsSpan(HeaderSize), Registers);
        return new HyperLogLog(bytes, bytes.Length);
    }

    /// <summary>Redis's isHLLObjectOrReply: the magic, a known encoding and the exact dense length.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value) => IsValid(value, value.Length);

    /// <summary>Whether a value's first bytes (its whole <paramref name="length"/> aside) make a HyperLogLog's header.</summary>
    public static bool IsValid(ReadOnlySpan<byte> header, int length) =>
        header.Length >= HeaderSize && header.StartsWith("HYLL"u8) && header[4] <= Sparse && (header[4] == Sparse || length == DenseSize);

    /// <summary>A private, growable copy of a value that passed <see cref="IsValid"/>.</summary>
    public static HyperLogLog Copy(ReadOnlySpan<byte> value)
    {
        // A dense copy is the whole value: no need to zero it first.
        var bytes = value[4] == Dense ? GC.AllocateUninitializedArray<byte>(DenseSize) : new byte[Math.Max(value.Length + 8, 64)];
        value.CopyTo(bytes);
        return new HyperLogLog(bytes, value.Length);
    }

    /// <summary>The cached cardinality when the header holds a fresh one.</summary>
    public static bool TryCachedCount(ReadOnlySpan<byte> value, out long count)
    {
        count = BinaryPrimitives.ReadInt64LittleEndian(value[8..]);
        return (value[15] & 0x80) == 0;
    }

    /// <summary>Marks the cached cardinality stale (top bit of the header's last byte).</summary>
    public void InvalidateCache() => _bytes[15] |= 0x80;

    /// <summary>A copy of <paramref name="value"/> whose header caches <paramref name="count"/> (what PFCOUNT stores back).</summary>
    public static byte[] WithCachedCount(ReadOnlySpan<byte> value, long count)
    {
        var updated = value.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(updated.AsSpan(8), count);
        return updated;
    }

    /// <summary>Adds an element: 1 when a register grew, 0 when not, -1 for a corrupt sparse form.</summary>
    public int Add(ReadOnlySpan<byte> element)
    {
        int raise = RaiseOf(element);
        return Set(raise >> 8, (byte)raise);
    }

    /// <summary>What an element asks of the registers: its register's index (<c>raise &gt;&gt; 8</c>) and the count it is raised to (the low byte).</summary>
    public static int RaiseOf(ReadOnlySpan<byte> element)
    {
        ulong hash = MurmurHash64A(element, HashSeed);
        int index = (int)(hash & (Registers - 1));
        hash >>= P;
        hash |= 1UL << Q;   // the loop below ends by bit Q, so a count is at most Q + 1
        int count = System.Numerics.BitOperations.TrailingZeroCount(hash) + 1;
        return index << 8 | count;
    }

    /// <summary>Applies a <see cref="RaiseOf"/> to a dense value in place: true when its register grew (the cached count is then stale).</summary>
    public static bool RaiseDense(Span<byte> value, int raise)
    {
        if (DenseSet(value[HeaderSize..], raise >> 8, (byte)raise) == 0)
            return false;
        value[15] |= 0x80;
        return true;
    }

    /// <summary>Raises register <paramref name="index"/> to <paramref name="count"/>: 1 when it grew, 0 when not, -1 when corrupt.</summary>
    public int Set(int index, byte count)
    {
        int result = IsDense ? DenseSet(_bytes.AsSpan(HeaderSize), index, count) : SparseSet(index, count);
        if (result == 1)
            InvalidateCache();
        return result;
    }

    /// <summary>
    /// Folds this HLL's registers into <paramref name="max"/> (max[i] = max(max[i], register i));
    /// false for a corrupt sparse form.
    /// </summary>
    public static bool MergeInto(ReadOnlySpan<byte> value, Span<byte> max)
    {
        var registers = value[HeaderSize..];
        if (value[4] == Dense)
        {
            for (int i = 0; i < Registers; i++)
                max[i] = Math.Max(max[i], DenseGet(registers, i));
            return true;
        }
        var runs = new RunReader(registers);
        while (runs.MoveNext())
        {
            for (int i = runs.First; runs.Value > 0 && i < runs.First + runs.Length; i++)
                max[i] = Math.Max(max[i], (byte)runs.Value);
        }
        return runs.CoveredAll;
    }

    /// <summary>Ertl's estimator over a register histogram; false when a sparse form is corrupt.</summary>
    public static bool TryCount(ReadOnlySpan<byte> value, out long count)
    {
        Span<int> histogram = stackalloc int[64];
        count = 0;
        var registers = value[HeaderSize..];
        if (value[4] == Dense)
        {
            for (int i = 0; i < Registers; i++)
                histogram[DenseGet(registers, i)]++;
        }
        else
        {
            var runs = new RunReader(registers);
            while (runs.MoveNext())
                histogram[runs.Value] += runs.Length;
            if (!runs.CoveredAll)
                return false;
        }
        count = Estimate(histogram);
        return true;
    }

    /// <summary>The estimate for raw registers (one byte each), as PFCOUNT of several keys computes it.</summary>
    public static long CountRegisters(ReadOnlySpan<byte> registers)
    {
        Span<int> histogram = stackalloc int[64];
        foreach (byte register in registers)
            histogram[register]++;
        return Estimate(histogram);
    }

    /// <summary>"New cardinality estimation algorithms for HyperLogLog sketches", Otmar Ertl, arXiv:1702.01284 — Redis's hllCount.</summary>
    private static long Estimate(ReadOnlySpan<int> histogram)
    {
        const double m = Registers;
        const double alphaInf = 0.721347520444481703680;   // 0.5 / ln 2
        double z = m * Tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        return (long)Math.Round(alphaInf * m * m / z, MidpointRounding.AwayFromZero);
    }

    private static double Sigma(double x)
    {
        if (x == 1.0)
            return double.PositiveInfinity;
        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        } while (previous != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0)
            return 0.0;
        double y = 1.0, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        } while (previous != z);
        return z / 3;
    }

    /// <summary>Turns the value dense and writes <paramref name="registers"/> (raw, one byte each) into it, as PFMERGE does.</summary>
    public int SetAll(ReadOnlySpan<byte> registers, bool dense)
    {
        if (dense && !IsDense && !ToDense())
            return -1;
        for (int i = 0; i < Registers; i++)
        {
            if (registers[i] != 0 && Set(i, registers[i]) < 0)
                return -1;
        }
        InvalidateCache();
        return 1;
    }

    private static byte DenseGet(ReadOnlySpan<byte> registers, int index)
    {
        int bit = index * RegisterBits;
        int b0 = registers[bit >> 3];
        int b1 = (bit >> 3) + 1 < registers.Length ? registers[(bit >> 3) + 1] : 0;
        int shift = bit & 7;
        return (byte)(((b0 >> shift) | (b1 << (8 - shift))) & RegisterMax);
    }

    private static void DenseWrite(Span<byte> registers, int index, int value)
    {
        int bit = index * RegisterBits;
        int at = bit >> 3, shift = bit & 7;
        registers[at] = (byte)((registers[at] & ~(RegisterMax << shift)) | (value << shift));
        if (at + 1 < registers.Length)
            registers[at + 1] = (byte)((registers[at + 1] & ~(RegisterMax >> (8 - shift))) | (value >> (8 - shift)));
    }

    private static int DenseSet(Span<byte> registers, int index, byte count)
    {
        if (count <= DenseGet(registers, index))
            return 0;
        DenseWrite(registers, index, count);
        return 1;
    }

    /// <summary>
    /// Walks the runs of a sparse value: each covers registers First..First + Length - 1 with
    /// Value (0 for ZERO and XZERO runs). A run reaching past the last register ends the walk
    /// (Redis's overflow check); <see cref="CoveredAll"/> then tells whether the runs were valid.
    /// </summary>
    private ref struct RunReader(ReadOnlySpan<byte> runs)
    {
        private readonly ReadOnlySpan<byte> _runs = runs;
        private int _at;
        private int _next;
        private bool _overflowed;

        public int First { get; private set; }

        public int Length { get; private set; }

        public int Value { get; private set; }

        public readonly bool CoveredAll => !_overflowed && _next == Registers;

        public bool MoveNext()
        {
            if (_at >= _runs.Length)
                return false;
            byte op = _runs[_at];
            if ((op & 0xC0) == 0) { Value = 0; Length = (op & 0x3F) + 1; _at++; }
            else if ((op & 0xC0) == 0x40) { Value = 0; Length = XZeroRun(_runs, _at); _at += 2; }
            else { Value = ((op >> 2) & 0x1F) + 1; Length = (op & 3) + 1; _at++; }
            if (_next + Length > Registers)
            {
                _overflowed = true;
                return false;
            }
            First = _next;
            _next += Length;
            return true;
        }
    }

    /// <summary>An XZERO run's length; a run cut off by the end of a corrupt value reads its second byte as 0, as Redis reads the string's terminator.</summary>
    private static int XZeroRun(ReadOnlySpan<byte> registers, int p) =>
        (((registers[p] & 0x3F) << 8) | (p + 1 < registers.Length ? registers[p + 1] : 0)) + 1;

    private static void WriteXZero(Span<byte> at, int run)
    {
        at[0] = (byte)(((run - 1) >> 8) | 0x40);
        at[1] = (byte)((run - 1) & 0xFF);
    }

    private static byte ValueOp(int value, int run) => (byte)(((value - 1) << 2) | (run - 1) | 0x80);

    /// <summary>Redis's hllSparseToDense; false when the runs do not cover exactly every register.</summary>
    private bool ToDense()
    {
        var dense = new byte[DenseSize];
        _bytes.AsSpan(0, HeaderSize).CopyTo(dense);
        dense[4] = Dense;
        var registers = dense.AsSpan(HeaderSize);
        var runs = new RunReader(_bytes.AsSpan(HeaderSize, _length - HeaderSize));
        while (runs.MoveNext())
        {
            for (int i = runs.First; runs.Value > 0 && i < runs.First + runs.Length; i++)
                DenseWrite(registers, i, runs.Value);
        }
        if (!runs.CoveredAll)
            return false;
        _bytes = dense;
        _length = DenseSize;
        return true;
    }

    /// <summary>
    /// Redis's hllSparseSet: find the run holding the register, split it into at most
    /// [ZERO|XZERO|VAL] VAL [ZERO|XZERO|VAL], merge equal neighbouring VALs; turn dense when the
    /// value does not fit a VAL or the string would pass <see cref="SparseMaxBytes"/>.
    /// </summary>
    private int SparseSet(int index, byte count)
    {
        if (count > SparseValueMax)
            return Promote(index, count);
        EnsureCapacity(_length + 3);
        var data = _bytes.AsSpan(HeaderSize);
        int end = _length - HeaderSize;
        int p = SparseRunOf(data[..end], index, out int first, out int run, out int previous);
        if (p < 0)
            return -1;
        byte current = data[p];
        bool isZero = (current & 0xC0) == 0, isXZero = (current & 0xC0) == 0x40, isValue = (current & 0x80) != 0;
        int next = isXZero ? p + 2 : p + 1;

        if (isValue)
        {
            int old = ((current >> 2) & 0x1F) + 1;
            if (old >= count)
                return 0;
            if (run == 1)
            {
                data[p] = ValueOp(count, 1);
                return MergeAdjacent(previous);
            }
        }
        if (isZero && run == 1)
        {
            data[p] = ValueOp(count, 1);
            return MergeAdjacent(previous);
        }

        Span<byte> sequence = stackalloc byte[5];
        int n = 0, last = first + run - 1;
        if (isZero || isXZero)
        {
            if (index != first)
                n += WriteZeroRun(sequence[n..], index - first);
            sequence[n++] = ValueOp(count, 1);
            if (index != last)
                n += WriteZeroRun(sequence[n..], last - index);
        }
        else
        {
            int value = ((current >> 2) & 0x1F) + 1;
            if (index != first)
                sequence[n++] = ValueOp(value, index - first);
            sequence[n++] = ValueOp(count, 1);
            if (index != last)
                sequence[n++] = ValueOp(value, last - index);
        }
        int delta = n - (isXZero ? 2 : 1);
        if (delta > 0 && _length + delta > SparseMaxBytes)
            return Promote(index, count);
        if (delta != 0 && next < end)
            data[next..end].CopyTo(data[(next + delta)..]);
        _length += delta;
        sequence[..n].CopyTo(data[p..]);
        return MergeAdjacent(previous);
    }

    private static int WriteZeroRun(Span<byte> at, int run)
    {
        if (run > SparseZeroMaxRun)
        {
            WriteXZero(at, run);
            return 2;
        }
        at[0] = (byte)(run - 1);
        return 1;
    }

    /// <summary>
    /// The offset of the sparse opcode whose run holds register <paramref name="index"/>, with the
    /// run's first register, its length and the offset of the opcode before it (-1 if none); -1
    /// when no run does (corrupt).
    /// </summary>
    private static int SparseRunOf(ReadOnlySpan<byte> data, int index, out int first, out int run, out int previous)
    {
        int p = 0;
        first = 0;
        previous = -1;
        while (p < data.Length)
        {
            byte op = data[p];
            int opLength = 1;
            if ((op & 0xC0) == 0) run = (op & 0x3F) + 1;
            else if ((op & 0x80) != 0) run = (op & 3) + 1;
            else { run = XZeroRun(data, p); opLength = 2; }
            if (index <= first + run - 1)
                return p;
            previous = p;
            p += opLength;
            first += run;
        }
        run = 0;
        return -1;
    }

    /// <summary>Whether a valid value's register already holds a <see cref="RaiseOf"/>'s count (false for a corrupt sparse form): a PFADD that changes nothing is answered where the value lies.</summary>
    public static bool Holds(ReadOnlySpan<byte> value, int raise) =>
        IsSparseValue(value) ? SparseHolds(value, raise) : DenseGet(value[HeaderSize..], raise >> 8) >= (byte)raise;

    private static bool SparseHolds(ReadOnlySpan<byte> value, int raise)
    {
        var data = value[HeaderSize..];
        int p = SparseRunOf(data, raise >> 8, out _, out _, out _);
        return p >= 0 && (data[p] & 0x80) != 0 && ((data[p] >> 2) & 0x1F) + 1 >= (byte)raise;
    }

    /// <summary>Whether a value that passed <see cref="IsValid(ReadOnlySpan{byte})"/> is sparse (else dense).</summary>
    public static bool IsSparseValue(ReadOnlySpan<byte> value) => value[4] == Sparse;

    /// <summary>Step 4 of hllSparseSet: merge equal adjacent VAL runs, scanning up to five opcodes from the one before the change.</summary>
    private int MergeAdjacent(int previous)
    {
        var data = _bytes.AsSpan(HeaderSize);
        int end = _length - HeaderSize;
        int p = previous >= 0 ? previous : 0;
        int scan = 5;
        while (p < end && scan-- > 0)
        {
            byte op = data[p];
            if ((op & 0xC0) == 0x40) { p += 2; continue; }
            if ((op & 0xC0) == 0) { p++; continue; }
            if (p + 1 < end && (data[p + 1] & 0x80) != 0)
            {
                int v1 = ((op >> 2) & 0x1F) + 1, v2 = ((data[p + 1] >> 2) & 0x1F) + 1;
                int run = (op & 3) + 1 + (data[p + 1] & 3) + 1;
                if (v1 == v2 && run <= SparseValueMaxRun)
                {
                    data[p + 1] = ValueOp(v1, run);
                    data[(p + 1)..end].CopyTo(data[p..]);
                    _length--;
                    end--;
                    continue;
                }
            }
            p++;
        }
        return 1;
    }

    private int Promote(int index, byte count)
    {
        if (!ToDense())
            return -1;
        DenseWrite(_bytes.AsSpan(HeaderSize), index, count);
        return 1;
    }

    private void EnsureCapacity(int length)
    {
        if (_bytes.Length < length)
            Array.Resize(ref _bytes, Math.Max(length, _bytes.Length * 2));
    }

    /// <summary>
    /// PFSELFTEST, as Redis's: dense registers keep random values without disturbing their
    /// neighbours; then unique elements go into a dense and a sparse HLL, which must stay sparse
    /// while small, agree with each other, and stay within six standard errors at every power of
    /// ten (Redis goes to 10^7; 10^6 keeps the event loop responsive). Null on success.
    /// </summary>
    public static string? SelfTest(Random random)
    {
        var registers = new byte[DenseSize - HeaderSize];
        var expected = new byte[Registers];
        for (int cycle = 0; cycle < 100; cycle++)
        {
            for (int i = 0; i < Registers; i++)
                DenseWrite(registers, i, expected[i] = (byte)random.Next(RegisterMax + 1));
            for (int i = 0; i < Registers; i++)
                if (DenseGet(registers, i) != expected[i])
                    return $"TESTFAILED Register {i} should be {expected[i]} but is {DenseGet(registers, i)}";
        }
        var dense = CreateEmpty();
        dense.TryMakeDense();
        var sparse = CreateEmpty();
        double relativeError = 1.04 / Math.Sqrt(Registers);
        ulong seed = (ulong)random.NextInt64();
        Span<byte> element = stackalloc byte[8];
        long checkpoint = 1;
        for (long j = 1; j <= 1_000_000; j++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(element, (ulong)j ^ seed);
            dense.Add(element);
            sparse.Add(element);
            if (j != checkpoint)
                continue;
            if (j < SparseMaxBytes / 2 && sparse.IsDense)
                return "TESTFAILED sparse encoding not used";
            TryCount(dense.Bytes, out long denseCount);
            TryCount(sparse.Bytes, out long sparseCount);
            if (denseCount != sparseCount)
                return "TESTFAILED dense/sparse disagree";
            long maxError = j == 10 ? 1 : (long)Math.Ceiling(relativeError * 6 * checkpoint);
            if (Math.Abs(checkpoint - denseCount) > maxError)
                return $"TESTFAILED Too big error. card:{checkpoint} abserr:{Math.Abs(checkpoint - denseCount)}";
            checkpoint *= 10;
        }
        return null;
    }

    /// <summary>Austin Appleby's MurmurHash64A as Redis has it (little-endian reads, the length folded into the seed).</summary>
    public static ulong MurmurHash64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong m = 0xc6a4a7935bd1e995;
        const int r = 47;
        ulong h = seed ^ unchecked((ulong)key.Length * m);
        int blocks = key.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(key[i..]);
            k *= m;
            k ^= k >> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        var tail = key[blocks..];
        if (tail.Length > 0)
        {
            for (int i = tail.Length - 1; i >= 0; i--)
                h ^= (ulong)tail[i] << (8 * i);
            h *= m;
        }
        h ^= h >> r;
        h *= m;
        h ^= h >> r;
        return h;
    }
}
