namespace Istore.Node.Objects;

/// <summary>A bloom filter in memory: each layer's bits in one array (see <see cref="BloomValue"/>).</summary>
public sealed class BloomObject : BloomValue
{
    private readonly List<BloomLayer> _layers = [];

    public BloomObject(double errorRate, long capacity, int expansion, bool nonScaling)
        : this(errorRate, expansion, nonScaling) => AddLayer(FirstShape(capacity));

    private BloomObject(double errorRate, int expansion, bool nonScaling) : base(errorRate, expansion, nonScaling)
    {
    }

    public override long Items { get; protected set; }

    public override IReadOnlyList<BloomLayer> Layers => _layers;

    protected override BloomLayer AddLayer(BloomShape shape)
    {
        var layer = new ArrayBloomLayer(shape, 0, new ulong[shape.Words]);
        _layers.Add(layer);
        return layer;
    }

    public override StoredObject Clone()
    {
        var copy = new BloomObject(ErrorRate, Expansion, NonScaling) { Items = Items };
        foreach (ArrayBloomLayer layer in _layers)
            copy._layers.Add(layer.Clone());
        return copy;
    }

    public static BloomObject ReadFrom(ref SnapshotReader reader)
    {
        var (errorRate, expansion, nonScaling, items) = ReadHeader(ref reader);
        var bloom = new BloomObject(errorRate, expansion, nonScaling) { Items = items };
        int layers = reader.ReadCount();
        if (layers == 0)
            throw new InvalidDataException("bloom filter without layers in snapshot");
        for (int i = 0; i < layers; i++)
        {
            var (shape, count) = BloomShape.Read(ref reader);
            var words = new ulong[shape.Words];
            for (int w = 0; w < words.Length; w++)
                words[w] = (ulong)reader.ReadInt64();
            bloom._layers.Add(new ArrayBloomLayer(shape, count, words));
        }
        return bloom;
    }
}

/// <summary>A layer's bits in one array.</summary>
internal sealed class ArrayBloomLayer(BloomShape shape, long count, ulong[] words) : BloomLayer(shape, count)
{
    protected override bool TestBit(long bit) => (words[bit >> 6] & (1UL << (int)(bit & 63))) != 0;

    protected override void SetBit(long bit) => words[bit >> 6] |= 1UL << (int)(bit & 63);

    public override void ReadWords(long first, Span<ulong> into) => words.AsSpan((int)first, into.Length).CopyTo(into);

    public ArrayBloomLayer Clone() => new(Shape, Count, (ulong[])words.Clone());
}
