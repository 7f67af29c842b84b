using System.IO.MemoryMappedFiles;

namespace Istore.Node.Objects;

/// <summary>
/// A snapshot file read through a memory map, one entry at a time: the file is never copied into
/// the heap (a load does not need the snapshot's size again in memory), and files of 2 GiB and
/// more load, which one .NET array cannot hold. Each entry gets a <see cref="SnapshotReader"/>
/// over the bytes from it on, so only a single entry must stay under <paramref name="window"/>.
/// </summary>
internal sealed unsafe class MappedSnapshot : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly int _window;

    /// <param name="window">The most bytes one reader spans (tests make it small to cross windows often).</param>
    public MappedSnapshot(string path, int window = int.MaxValue)
    {
        _window = window;
        Length = new FileInfo(path).Length;
        End = Length;
        if (Length == 0)
            return;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _base = start + _view.PointerOffset;
    }

    public long Length { get; }

    /// <summary>Where the next entry starts.</summary>
    public long Position { get; private set; }

    /// <summary>Sets where entries start and end (a payload between a header and a trailer).</summary>
    public void Bound(long start, long end)
    {
        if (start < 0 || end > Length || start > end)
            throw new InvalidDataException("the snapshot is shorter than its header says");
        Position = start;
        End = end;
    }

    public long End { get; private set; }

    public bool AtEnd => Position == End;

    /// <summary>Up to <paramref name="length"/> bytes at <paramref name="offset"/>, at most one window.</summary>
    public ReadOnlySpan<byte> Span(long offset, long length) => new(_base + offset, (int)Math.Min(length, _window));

    /// <summary>A reader over the bytes from <see cref="Position"/> on; hand it back to <see cref="Advance"/>.</summary>
    public SnapshotReader Next() => new(Span(Position, End - Position));

    /// <summary>Moves past what <paramref name="reader"/> (from <see cref="Next"/>) consumed.</summary>
    public void Advance(in SnapshotReader reader) => Position += Math.Min(End - Position, _window) - reader.Remaining;

    /// <summary>Moves past <paramref name="count"/> bytes read with <see cref="Span"/>.</summary>
    public void Skip(long count)
    {
        if (count < 0 || count > End - Position)
            throw new InvalidDataException("snapshot ends early");
        Position += count;
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
