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
    /// BITOP's result: <paramref name="into"/> = sources[0] op sources[1] op …, or NOT sources[0],
    /// where bytes past a source's end count as zero (Redis pads shorter strings that way). One pass
    /// in blocks that stay in the CPU's cache while every source is applied to them: source by source
    /// over the whole result, it would be read and written again for each (2.2× the memory traffic over
    /// 4 × 64 MB).
    /// </summary>
    public static void Combine(Operation operation, Span<byte> into, IReadOnlyList<ReadOnlyMemory<byte>> sources)
    {
        const int Block = 16 << 10;
        for (int start = 0; start < into.Length; start += Block)
        {
            var block = into.Slice(start, Math.Min(Block, into.Length - start));
            var first = Window(sources[0].Span, start, block.Length);
            first.CopyTo(block);
            block[first.Length..].Clear();
            for (int i = 1; i < sources.Count; i++)
                Combine(operation, block, Window(sources[i].Span, start, block.Length));
            if (operation == Operation.Not)
                Apply<NotOp>(block, block);
        }
    }

    /// <summary>The bytes of <paramref name="source"/> from <paramref name="start"/>, at most <paramref name="length"/>; empty past its end.</summary>
    private static ReadOnlySpan<byte> Window(ReadOnlySpan<byte> source, int start, int length) =>
        start >= source.Length ? default : source.Slice(start, Math.Min(length, source.Length - start));

    /// <summary><paramref name="into"/> = <paramref name="into"/> op <paramref name="source"/>, bytes past the source's end as zero.</summary>
    private static void Combine(Operation operation, Span<byte> into, ReadOnlySpan<byte> source)
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

    private interface IByteOp
    {
        static abstract Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b);

        static abstract Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> b);

        static abstract byte Apply(byte a, byte b);
    }

    private struct AndOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a & b;
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> b) => a & b;
        public static byte Apply(byte a, byte b) => (byte)(a & b);
    }

    private struct OrOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a | b;
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> b) => a | b;
        public static byte Apply(byte a, byte b) => (byte)(a | b);
    }

    private struct XorOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a ^ b;
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> b) => a ^ b;
        public static byte Apply(byte a, byte b) => (byte)(a ^ b);
    }

    private struct NotOp : IByteOp
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => ~a;
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> b) => ~a;
        public static byte Apply(byte a, byte b) => (byte)~a;
    }

    /// <summary>into[i] = op(into[i], source[i]) for every i of <paramref name="into"/> (source at least as long).</summary>
    private static void Apply<TOp>(Span<byte> into, ReadOnlySpan<byte> source) where TOp : struct, IByteOp
    {
        ref byte a = ref MemoryMarshal.GetReference(into);
        ref byte b = ref MemoryMarshal.GetReference(source);
        int i = 0;
        // Native AOT compiles for the baseline instruction set, where Vector256.IsHardwareAccelerated is
        // false: asking for AVX2 itself is checked when the code runs (as PopCount does), and 16-byte
        // vectors are in every x64 and Arm64 baseline. Without both, AOT ran this a byte at a time.
        if (Avx2.IsSupported)
        {
            for (; i + 32 <= into.Length; i += 32)
                TOp.Apply(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= into.Length; i += 16)
                TOp.Apply(Vector128.LoadUnsafe(ref a, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
        }
        for (; i < into.Length; i++)
            Unsafe.Add(ref a, i) = TOp.Apply(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
    }
}
