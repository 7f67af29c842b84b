using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// A bloom filter on disk, for one command: its parameters and layers' shapes and counts in the
/// metadata record (the size field counts items), each layer's bit array in chunks of
/// <see cref="ChunkWords"/> words, one subkey per chunk (field = layer uint32 BE | chunk uint64
/// BE), a chunk never set absent. BF.ADD reads and rewrites only the chunks its bits fall in, so
/// the cost of a write does not grow with the filter, and a large reserved filter takes no space
/// until used. Chunks read are kept for the command; changed ones are written at <see cref="Save"/>.
/// </summary>
internal sealed class DiskBloom : BloomValue, IDiskCollection
{
    /// <summary>512 bytes: a BF.ADD writes at most one chunk per hash.</summary>
    public const int ChunkWords = 64;

    private const int FieldBytes = 12;

    private readonly SubkeyStore _elements;
    private readonly List<BloomLayer> _layers = [];
    private readonly Dictionary<(int Layer, long Chunk), ulong[]> _chunks = [];
    private readonly HashSet<(int Layer, long Chunk)> _changed = [];

    public DiskBloom(SubkeyStore elements)
        : base(BinaryPrimitives.ReadDoubleLittleEndian(elements.Extra), BinaryPrimitives.ReadInt32LittleEndian(elements.Extra.AsSpan(8)), elements.Extra![12] != 0)
    {
        _elements = elements;
        var layers = elements.Extra.AsSpan(DiskFormat.BloomBytes - DiskFormat.CollectionBytes);
        for (int at = 0; at < layers.Length; at += DiskFormat.BloomLayerBytes)
        {
            var layer = layers.Slice(at, DiskFormat.BloomLayerBytes);
            var shape = new BloomShape(BinaryPrimitives.ReadInt64LittleEndian(layer), BinaryPrimitives.ReadDoubleLittleEndian(layer[8..]),
                BinaryPrimitives.ReadInt32LittleEndian(layer[16..]), BinaryPrimitives.ReadInt64LittleEndian(layer[20..]));
            if (shape.Bits <= 0 || shape.Hashes <= 0)
                throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(elements.Key)}: bad bloom layer in its metadata record");
            _layers.Add(new DiskBloomLayer(this, _layers.Count, shape, BinaryPrimitives.ReadInt64LittleEndian(layer[28..])));
        }
    }

    public SubkeyStore Elements => _elements;

    public override long Items
    {
        get => _elements.Size;
        protected set => _elements.Size = value;
    }

    public override IReadOnlyList<BloomLayer> Layers => _layers;

    protected override BloomLayer AddLayer(BloomShape shape)
    {
        var layer = new DiskBloomLayer(this, _layers.Count, shape, 0);
        _layers.Add(layer);
        return layer;
    }

    /// <summary>Storing a disk collection at another key copies its elements (COPY), so the view itself serves as the copy.</summary>
    public override StoredObject Clone() => this;

    /// <summary>
    /// Writes <paramref name="source"/> into <paramref name="into"/>, a new, empty filter: from disk
    /// the stored chunks are copied; from memory each chunk that has a bit set is written.
    /// </summary>
    public static void Fill(SubkeyStore into, BloomValue source)
    {
        into.Extra = Parameters(source);
        into.Size = source.Items;
        if (source is DiskBloom disk)
        {
            disk.Save();
            into.CopyFrom(disk._elements);
            into.Size = source.Items;
            return;
        }
        Span<ulong> words = stackalloc ulong[ChunkWords];
        Span<byte> field = stackalloc byte[FieldBytes];
        for (int layer = 0; layer < source.Layers.Count; layer++)
        {
            long total = source.Layers[layer].Shape.Words;
            for (long chunk = 0; chunk * ChunkWords < total; chunk++)
            {
                words.Clear();   // a layer's last chunk is stored whole, zero past its end
                source.Layers[layer].ReadWords(chunk * ChunkWords, words[..(int)Math.Min(ChunkWords, total - chunk * ChunkWords)]);
                if (words.ContainsAnyExcept(0UL))
                    into.Overwrite(Field(field, layer, chunk), MemoryMarshal.AsBytes(words));
            }
        }
    }

    /// <summary>Writes the chunks this command changed and the metadata record (items, layers).</summary>
    public void Save()
    {
        Span<byte> field = stackalloc byte[FieldBytes];
        foreach (var (layer, chunk) in _changed)
            _elements.Overwrite(Field(field, layer, chunk), MemoryMarshal.AsBytes(_chunks[(layer, chunk)].AsSpan()));
        _changed.Clear();
        _elements.Extra = Parameters(this);
        _elements.WriteMetadata();
    }

    /// <summary>The record's bloom part: error rate, expansion, non-scaling, then per layer capacity, error rate, hashes, bits, items.</summary>
    private static byte[] Parameters(BloomValue bloom)
    {
        var extra = new byte[DiskFormat.BloomBytes - DiskFormat.CollectionBytes + bloom.Layers.Count * DiskFormat.BloomLayerBytes];
        BinaryPrimitives.WriteDoubleLittleEndian(extra, bloom.ErrorRate);
        BinaryPrimitives.WriteInt32LittleEndian(extra.AsSpan(8), bloom.Expansion);
        extra[12] = bloom.NonScaling ? (byte)1 : (byte)0;
        var at = extra.AsSpan(13);
        foreach (var layer in bloom.Layers)
        {
            BinaryPrimitives.WriteInt64LittleEndian(at, layer.Shape.Capacity);
            BinaryPrimitives.WriteDoubleLittleEndian(at[8..], layer.Shape.ErrorRate);
            BinaryPrimitives.WriteInt32LittleEndian(at[16..], layer.Shape.Hashes);
            BinaryPrimitives.WriteInt64LittleEndian(at[20..], layer.Shape.Bits);
            BinaryPrimitives.WriteInt64LittleEndian(at[28..], layer.Count);
            at = at[DiskFormat.BloomLayerBytes..];
        }
        return extra;
    }

    /// <summary>A chunk's words as this command sees them (zeros when never written), kept for the command.</summary>
    private ulong[] Chunk(int layer, long chunk)
    {
        if (_chunks.TryGetValue((layer, chunk), out var words))
            return words;
        words = new ulong[ChunkWords];
        Span<byte> field = stackalloc byte[FieldBytes];
        if (_elements.TryGet(Field(field, layer, chunk), out var stored))
        {
            if (stored.Length != ChunkWords * 8)
                throw new InvalidDataException($"{System.Text.Encoding.UTF8.GetString(_elements.Key)}: a bloom chunk of {stored.Length} bytes");
            stored.CopyTo(MemoryMarshal.AsBytes(words.AsSpan()));
        }
        _chunks[(layer, chunk)] = words;
        return words;
    }

    private static ReadOnlySpan<byte> Field(Span<byte> field, int layer, long chunk)
    {
        BinaryPrimitives.WriteUInt32BigEndian(field, (uint)layer);
        BinaryPrimitives.WriteUInt64BigEndian(field[4..], (ulong)chunk);
        return field;
    }

    /// <summary>One layer's bits, reached through the filter's chunks.</summary>
    private sealed class DiskBloomLayer(DiskBloom bloom, int index, BloomShape shape, long count) : BloomLayer(shape, count)
    {
        private const int WordsShift = 6;   // log2(ChunkWords)

        protected override bool TestBit(long bit) => (Word(bit >> 6) & (1UL << (int)(bit & 63))) != 0;

        protected override void SetBit(long bit)
        {
            long word = bit >> 6, chunk = word >> WordsShift;
            bloom.Chunk(index, chunk)[word & (ChunkWords - 1)] |= 1UL << (int)(bit & 63);
            bloom._changed.Add((index, chunk));
        }

        public override void ReadWords(long first, Span<ulong> into)
        {
            for (int i = 0; i < into.Length; i++)
                into[i] = Word(first + i);
        }

        private ulong Word(long word) => bloom.Chunk(index, word >> WordsShift)[word & (ChunkWords - 1)];
    }
}
