using System.IO.Hashing;
using Istore.Node.Engine;
using Istore.Ranklist;

namespace Istore.Node.Objects;

/// <summary>
/// A scalable bloom filter as RedisBloom keeps one: a chain of fixed filters; when the newest is
/// full a new one is added, <see cref="Expansion"/> times larger and with half the error rate, so
/// the chain's total false-positive rate stays below the configured one: the first layer takes 40%
/// of it, so the whole chain stays under 80% and random variation keeps within the rate (a lone
/// NONSCALING layer takes 80% for the same margin). A NONSCALING filter refuses items past its capacity. One 128-bit XxHash per item
/// gives the k bit positions by double hashing (h1 + i·h2), the same in every layer.
/// </summary>
public sealed class BloomObject : StoredObject, IRecallExclusion
{
    public const double DefaultErrorRate = 0.01;
    public const long DefaultCapacity = 100;
    public const int DefaultExpansion = 2;
    private const double TighteningRatio = 0.5;
    private const double FirstLayerShare = 0.4;
    private const double NonScalingShare = 0.8;

    private readonly List<BloomLayer> _layers = [];

    public double ErrorRate { get; }

    public int Expansion { get; }

    public bool NonScaling { get; }

    public BloomObject(double errorRate, long capacity, int expansion, bool nonScaling)
        : this(errorRate, expansion, nonScaling) =>
        _layers.Add(new BloomLayer(capacity, errorRate * (nonScaling ? NonScalingShare : FirstLayerShare)));

    private BloomObject(double errorRate, int expansion, bool nonScaling)
    {
        ErrorRate = errorRate;
        Expansion = expansion;
        NonScaling = nonScaling;
    }

    public override KeyType Type => KeyType.Bloom;

    /// <summary>Never 0: an empty filter keeps its key (RedisBloom's BF.RESERVE creates one).</summary>
    public override long Length => 1;

    public override string Encoding => "raw";

    public int Filters => _layers.Count;

    /// <summary>Items added (those reported new).</summary>
    public long Items { get; private set; }

    public long Capacity => _layers.Sum(layer => layer.Capacity);

    /// <summary>Bytes held by the bit arrays and their bookkeeping.</summary>
    public long SizeInBytes => _layers.Sum(layer => layer.Words.Length * 8L + 48);

    public bool Contains(ReadOnlySpan<byte> item)
    {
        var hash = HashOf(item);
        foreach (var layer in _layers)
            if (layer.Contains(hash))
                return true;
        return false;
    }

    /// <summary>Adds an item: true when it was (probably) not there before; null when a non-scaling filter is full.</summary>
    public bool? Add(ReadOnlySpan<byte> item)
    {
        var hash = HashOf(item);
        foreach (var layer in _layers)
            if (layer.Contains(hash))
                return false;
        var last = _layers[^1];
        if (last.Count >= last.Capacity)
        {
            if (NonScaling)
                return null;
            last = new BloomLayer(last.Capacity * Expansion, last.ErrorRate * TighteningRatio);
            _layers.Add(last);
        }
        last.Add(hash);
        Items++;
        return true;
    }

    private static UInt128 HashOf(ReadOnlySpan<byte> item) => XxHash128.HashToUInt128(item);

    public override StoredObject Clone()
    {
        var copy = new BloomObject(ErrorRate, Expansion, NonScaling) { Items = Items };
        foreach (var layer in _layers)
            copy._layers.Add(layer.Clone());
        return copy;
    }

    public override void WriteTo(SnapshotWriter writer)
    {
        writer.WriteDouble(ErrorRate);
        writer.WriteVarUInt((ulong)Expansion);
        writer.WriteByte(NonScaling ? (byte)1 : (byte)0);
        writer.WriteVarUInt((ulong)Items);
        writer.WriteVarUInt((ulong)_layers.Count);
        foreach (var layer in _layers)
            layer.WriteTo(writer);
    }

    public static BloomObject ReadFrom(ref SnapshotReader reader)
    {
        double errorRate = reader.ReadDouble();
        int expansion = (int)reader.ReadVarUInt();
        bool nonScaling = reader.ReadByte() != 0;
        var bloom = new BloomObject(errorRate, expansion, nonScaling) { Items = (long)reader.ReadVarUInt() };
        int layers = reader.ReadCount();
        if (layers == 0)
            throw new InvalidDataException("bloom filter without layers in snapshot");
        for (int i = 0; i < layers; i++)
            bloom._layers.Add(BloomLayer.ReadFrom(ref reader));
        return bloom;
    }
}

/// <summary>One fixed bloom filter: m bits and k hashes sized for its capacity and error rate.</summary>
internal sealed class BloomLayer
{
    public long Capacity { get; }
    public double ErrorRate { get; }
    public int Hashes { get; }
    public long Bits { get; }
    public ulong[] Words { get; }
    public long Count { get; set; }

    public BloomLayer(long capacity, double errorRate)
    {
        Capacity = capacity;
        ErrorRate = errorRate;
        double bitsPerItem = -Math.Log(errorRate) / (Math.Log(2) * Math.Log(2));
        Hashes = Math.Max(1, (int)Math.Ceiling(Math.Log(2) * bitsPerItem));
        Bits = Math.Max(64, (long)Math.Ceiling(capacity * bitsPerItem));
        Words = new ulong[(Bits + 63) / 64];
    }

    private BloomLayer(long capacity, double errorRate, int hashes, long bits, ulong[] words, long count)
    {
        Capacity = capacity;
        ErrorRate = errorRate;
        Hashes = hashes;
        Bits = bits;
        Words = words;
        Count = count;
    }

    public bool Contains(UInt128 hash)
    {
        ulong h1 = (ulong)hash, h2 = (ulong)(hash >> 64) | 1;
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = (h1 + (ulong)i * h2) % (ulong)Bits;
            if ((Words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                return false;
        }
        return true;
    }

    public void Add(UInt128 hash)
    {
        ulong h1 = (ulong)hash, h2 = (ulong)(hash >> 64) | 1;
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = (h1 + (ulong)i * h2) % (ulong)Bits;
            Words[bit >> 6] |= 1UL << (int)(bit & 63);
        }
        Count++;
    }

    public BloomLayer Clone() => new(Capacity, ErrorRate, Hashes, Bits, (ulong[])Words.Clone(), Count);

    public void WriteTo(SnapshotWriter writer)
    {
        writer.WriteVarUInt((ulong)Capacity);
        writer.WriteDouble(ErrorRate);
        writer.WriteVarUInt((ulong)Hashes);
        writer.WriteVarUInt((ulong)Bits);
        writer.WriteVarUInt((ulong)Count);
        foreach (ulong word in Words)
            writer.WriteInt64((long)word);
    }

    public static BloomLayer ReadFrom(ref SnapshotReader reader)
    {
        long capacity = (long)reader.ReadVarUInt();
        double errorRate = reader.ReadDouble();
        int hashes = (int)reader.ReadVarUInt();
        long bits = (long)reader.ReadVarUInt();
        long count = (long)reader.ReadVarUInt();
        // At most -log2 of the smallest double error rate hashes; words must be in the data before they are allocated.
        if (bits <= 0 || hashes is <= 0 or > 1100 || (bits + 63) / 64 > reader.Remaining / 8)
            throw new InvalidDataException("bad bloom layer in snapshot");
        var words = new ulong[(bits + 63) / 64];
        for (int i = 0; i < words.Length; i++)
            words[i] = (ulong)reader.ReadInt64();
        return new BloomLayer(capacity, errorRate, hashes, bits, words, count);
    }
}
