using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Istore.Node.Commands;

/// <summary>
/// The bit arithmetic behind BITCOUNT, BITPOS and BITOP over whole byte runs, vectorised: these
/// commands meet strings of hundreds of megabytes, where a byte-at-a-time loop is the bottleneck.
/// Bits are numbered as Redis numbers them: bit 0 is the most significant bit of byte 0.
/// </summary>
public static class BitOps
{
    public enum Operation { And, Or, Xor, Not }

    /// <summary>The number of set bits in <paramref name="bytes"/>.</summary>
    public static long PopCount(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        int i = 0;
        if (Avx2.IsSupported && bytes.Length >= 64)
            count = PopCountAvx2(bytes, out i);
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        for (; i + 8 <= bytes.Length; i += 8)
            count += BitOperations.PopCount(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        for (; i < bytes.Length; i++)
            count += BitOperations.PopCount(bytes[i]);
        return count;
    }

    /// <summary>
    /// Mula's nibble lookup: each byte's count is two table look-ups (PSHUFB), and SAD folds 32
    /// byte counts into four 64-bit sums, so no narrow accumulator can overflow.
    /// </summary>
    private static long PopCountAvx2(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var lowNibble = Vector256.Create((byte)0x0F);
        var sums = Vector256<ulong>.Zero;
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        int i = 0;
        for (; i + 32 <= bytes.Length; i += 32)
        {
            var v = Vector256.LoadUnsafe(ref start, (nuint)i);
            var low = Avx2.Shuffle(table, v & lowNibble);
            var high = Avx2.Shuffle(table, Vector256.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & lowNibble);
            sums += Avx2.SumAbsoluteDifferences(low + high, Vector256<byte>.Zero).AsUInt64();
        }
        consumed = i;
        return (long)Vector256.Sum(sums);
    }

    /// <summary>The index of the first bit equal to <paramref name="bit"/> (0 or 1), or -1.</summary>
    public static long FirstBit(ReadOnlySpan<byte> bytes, int bit)
    {
        // IndexOfAnyExcept is vectorised: skip the run of bytes that cannot hold the bit.
        int index = bytes.IndexOfAnyExcept(bit == 1 ? (byte)0 : (byte)0xFF);
        if (index < 0)
            return -1;
        uint value = bit == 1 ? bytes[index] : (uint)(byte)~bytes[index];
        return index * 8L + BitOperations.LeadingZeroCount(value) - 24;
    }

    /// <summary>
    /// <paramref name="into"/> = <paramref name="into"/> op <paramref name="source"/>, where bytes
    /// past the end of the source count as zero (Redis pads shorter strings that way).
    /// </summary>
    public static void Combine(Operation operation, Span<byte> into, ReadOnlySpan<byte> source)
    {
        int shared = Math.Min(into.Length, source.Length);
        switch (operation)
        {
            case Operation.And:
                Apply<AndOp>(into[..shared], source);
                into[shared..].Clear();
                break;
            case Operation.Or:
                Apply<OrOp>(into[..shared], source);
                break;
            case Operation.Xor:
                Apply<XorOp>(into[..shared], source);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
    }

    /// <summary>Inverts every bit of <paramref name="bytes"/> in place.</summary>
    public static void Not(Span<byte> bytes) => Apply<NotOp>(bytes, bytes);

    private interface IByteOp
    {
        static abstract Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b);

        static abstract byte Apply(byte a, byte b);
    }

    private struct AndOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a & b;
        public static byte Apply(byte a, byte b) => (byte)(a & b);
    }

    private struct OrOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a | b;
        public static byte Apply(byte a, byte b) => (byte)(a | b);
    }

    private struct XorOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a ^ b;
        public static byte Apply(byte a, byte b) => (byte)(a ^ b);
    }

    private struct NotOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => ~a;
        public static byte Apply(byte a, byte b) => (byte)~a;
    }

    /// <summary>into[i] = op(into[i], source[i]) for every i of <paramref name="into"/> (source at least as long).</summary>
    private static void Apply<TOp>(Span<byte> into, ReadOnlySpan<byte> source) where TOp : struct, IByteOp
    {
        ref byte a = ref MemoryMarshal.GetReference(into);
        ref byte b = ref MemoryMarshal.GetReference(source);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= into.Length; i += 32)
                TOp.Apply(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
        }
        for (; i < into.Length; i++)
            Unsafe.Add(ref a, i) = TOp.Apply(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
    }
}
