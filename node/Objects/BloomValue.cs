using System.IO.Hashing;
using Istore.Node.Engine;
using Istore.Ranklist;

namespace Istore.Node.Objects;

/// <summary>
/// A scalable bloom filter as RedisBloom keeps one, whichever engine holds its bits
/// (<see cref="BloomObject"/> in memory, a disk engine's view over chunked bit arrays): a chain of
/// fixed filters; when the newest is full a new one is added, <see cref="Expansion"/> times larger
/// and with half the error rate, so the chain's total false-positive rate stays below the
/// configured one: the first layer takes 40% of it, so the whole chain stays under 80% and random
/// variation keeps within the rate (a lone NONSCALING layer takes 80% for the same margin). A
/// NONSCALING filter refuses items past its capacity. One 128-bit XxHash per item gives the k bit
/// positions by double hashing (h1 + i·h2), the same in every layer.
/// </summary>
public abstract class BloomValue(double errorRate, int expansion, bool nonScaling) : StoredObject, IRecallExclusion
{
    public const double DefaultErrorRate = 0.01;
    public const long DefaultCapacity = 100;
    public const int DefaultExpansion = 2;
    private const double TighteningRatio = 0.5;
    private const double FirstLayerShare = 0.4;
    private const double NonScalingShare = 0.8;

    public double ErrorRate { get; } = errorRate;

    public int Expansion { get; } = expansion;

    public bool NonScaling { get; } = nonScaling;

    public override KeyType Type => KeyType.Bloom;

    /// <summary>Never 0: an empty filter keeps its key (RedisBloom's BF.RESERVE creates one).</summary>
    public override long Length => 1;

    public override string Encoding => "raw";

    /// <summary>Items added (those reported new).</summary>
    public abstract long Items { get; protected set; }

    /// <summary>The layers, oldest first; never empty.</summary>
    public abstract IReadOnlyList<BloomLayer> Layers { get; }

    /// <summary>Appends an empty layer of <paramref name="shape"/> and returns it.</summary>
    protected abstract BloomLayer AddLayer(BloomShape shape);

    public int Filters => Layers.Count;

    public long Capacity => Layers.Sum(layer => layer.Shape.Capacity);

    /// <summary>Bytes held by the bit arrays and their bookkeeping.</summary>
    public long SizeInBytes => Layers.Sum(layer => layer.Shape.Words * 8L + 48);

    /// <summary>The first layer of a new filter.</summary>
    protected BloomShape FirstShape(long capacity) => BloomShape.For(capacity, ErrorRate * (NonScaling ? NonScalingShare : FirstLayerShare));

    public bool Contains(ReadOnlySpan<byte> item)
    {
        var hash = HashOf(item);
        foreach (var layer in Layers)
            if (layer.Contains(hash))
                return true;
        return false;
    }

    /// <summary>Adds an item: true when it was (probably) not there before; null when a non-scaling filter is full.</summary>
    public bool? Add(ReadOnlySpan<byte> item)
    {
        var hash = HashOf(item);
        var layers = Layers;
        foreach (var layer in layers)
            if (layer.Contains(hash))
                return false;
        var last = layers[^1];
        if (last.Count >= last.Shape.Capacity)
        {
            if (NonScaling)
                return null;
            last = AddLayer(BloomShape.For(last.Shape.Capacity * Expansion, last.Shape.ErrorRate * TighteningRatio));
        }
        last.Add(hash);
        Items++;
        return true;
    }

    private static UInt128 HashOf(ReadOnlySpan<byte> item) => XxHash128.HashToUInt128(item);

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteDouble(ErrorRate);
        writer.WriteVarUInt((ulong)Expansion);
        writer.WriteByte(NonScaling ? (byte)1 : (byte)0);
        writer.WriteVarUInt((ulong)Items);
        writer.WriteVarUInt((ulong)Layers.Count);
        Span<ulong> words = stackalloc ulong[BloomLayer.WordsPerRead];
        foreach (var layer in Layers)
        {
            var shape = layer.Shape;
            writer.WriteVarUInt((ulong)shape.Capacity);
            writer.WriteDouble(shape.ErrorRate);
            writer.WriteVarUInt((ulong)shape.Hashes);
            writer.WriteVarUInt((ulong)shape.Bits);
            writer.WriteVarUInt((ulong)layer.Count);
            for (long first = 0; first < shape.Words; first += words.Length)
            {
                var read = words[..(int)Math.Min(words.Length, shape.Words - first)];
                layer.ReadWords(first, read);
                foreach (ulong word in read)
                    writer.WriteInt64((long)word);
            }
        }
    }

    /// <summary>A snapshot's filter parameters, before its layers.</summary>
    protected static (double ErrorRate, int Expansion, bool NonScaling, long Items) ReadHeader(ref SnapshotReader reader)
    {
        double errorRate = reader.ReadDouble();
        int expansion = (int)reader.ReadVarUInt();
        bool nonScaling = reader.ReadByte() != 0;
        return (errorRate, expansion, nonScaling, (long)reader.ReadVarUInt());
    }
}

/// <summary>One fixed filter's size: m bits and k hashes for its capacity and error rate.</summary>
public readonly record struct BloomShape(long Capacity, double ErrorRate, int Hashes, long Bits)
{
    public static BloomShape For(long capacity, double errorRate)
    {
        double bitsPerItem = -Math.Log(errorRate) / (Math.Log(2) * Math.Log(2));
        return new BloomShape(capacity, errorRate, Math.Max(1, (int)Math.Ceiling(Math.Log(2) * bitsPerItem)),
            Math.Max(64, (long)Math.Ceiling(capacity * bitsPerItem)));
    }

    public long Words => (Bits + 63) / 64;

    /// <summary>A snapshot's layer header, checked before any word is allocated: the words must be in the data.</summary>
    public static (BloomShape Shape, long Count) Read(ref SnapshotReader reader)
    {
        long capacity = (long)reader.ReadVarUInt();
        double errorRate = reader.ReadDouble();
        int hashes = (int)reader.ReadVarUInt();
        long bits = (long)reader.ReadVarUInt();
        long count = (long)reader.ReadVarUInt();
        // At most -log2 of the smallest double error rate hashes.
        if (bits <= 0 || hashes is <= 0 or > 1100 || (bits + 63) / 64 > reader.Remaining / 8)
            throw new InvalidDataException("bad bloom layer in snapshot");
        return (new BloomShape(capacity, errorRate, hashes, bits), count);
    }
}

/// <summary>One fixed bloom filter of a chain: its shape, the items it took, and its bits, wherever they are kept.</summary>
public abstract class BloomLayer(BloomShape shape, long count)
{
    /// <summary>Words copied per <see cref="ReadWords"/> call when a filter is written out.</summary>
    public const int WordsPerRead = 64;

    public BloomShape Shape { get; } = shape;

    public long Count { get; private set; } = count;

    protected abstract bool TestBit(long bit);

    protected abstract void SetBit(long bit);

    /// <summary>Copies the words [first, first + into.Length) of the bit array.</summary>
    public abstract void ReadWords(long first, Span<ulong> into);

    public bool Contains(UInt128 hash)
    {
        ulong h1 = (ulong)hash, h2 = (ulong)(hash >> 64) | 1;
        for (int i = 0; i < Shape.Hashes; i++)
            if (!TestBit((long)((h1 + (ulong)i * h2) % (ulong)Shape.Bits)))
                return false;
        return true;
    }

    public void Add(UInt128 hash)
    {
        ulong h1 = (ulong)hash, h2 = (ulong)(hash >> 64) | 1;
        for (int i = 0; i < Shape.Hashes; i++)
            SetBit((long)((h1 + (ulong)i * h2) % (ulong)Shape.Bits));
        Count++;
    }
}
