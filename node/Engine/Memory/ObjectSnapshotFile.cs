using System.Buffers.Binary;
using System.IO.Hashing;
using Istore.Node.Objects;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The collections of one checkpoint in a file: "ISOBJ1", the payload, then its length and
/// XxHash64. Streamed to a temporary name, flushed to disk, then renamed, so a crash leaves either
/// the old file or the whole new one; a damaged file stops start-up rather than losing data silently.
/// </summary>
internal sealed class ObjectSnapshotFile : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "ISOBJ1"u8;

    private readonly string _path;
    private readonly FileStream _file;
    private readonly XxHash64 _hash = new();
    private long _length;

    /// <summary>Starts writing the snapshot that will be <paramref name="path"/>.</summary>
    public ObjectSnapshotFile(string path)
    {
        _path = path;
        _file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _file.Write(Magic);
        Writer = new SnapshotWriter(Append);
    }

    /// <summary>Where the payload goes (into the page cache as it fills: a large snapshot is never held in memory).</summary>
    public SnapshotWriter Writer { get; }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        _file.Write(chunk);
        _hash.Append(chunk);
        _length += chunk.Length;
    }

    /// <summary>One collection of the payload, after its count (what <see cref="ObjectSpace.ReadFrom"/> reads).</summary>
    public static void WriteEntry(SnapshotWriter writer, ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        writer.WriteByte((byte)value.Type);
        writer.WriteBytes(key);
        writer.WriteInt64(expireAt);
        value.WriteTo(writer);
    }

    /// <summary>Writes the trailer, makes the file durable and gives it its final name.</summary>
    public void Commit()
    {
        Writer.Flush();
        Span<byte> trailer = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, _length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[8..], _hash.GetCurrentHashAsUInt64());
        _file.Write(trailer);
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_path + ".tmp", _path, overwrite: true);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>
    /// Loads the file into <paramref name="into"/>. Every checkpoint writes one (empty collections
    /// too) before FASTER commits the cookie naming it, so a missing file is damage: starting
    /// without the collections would lose them silently.
    /// </summary>
    public static void Load(string path, ObjectSpace into)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"{path} is missing: the checkpoint's collections cannot be recovered");
        using var file = new MappedSnapshot(path);
        if (file.Length < Magic.Length + 16 || !file.Span(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not an istore object snapshot");
        var trailer = file.Span(file.Length - 16, 16);
        long end = Magic.Length + BinaryPrimitives.ReadInt64LittleEndian(trailer);
        if (end != file.Length - 16)
            throw new InvalidDataException($"{path} is truncated");
        var hash = new XxHash64();
        for (long at = Magic.Length; at < end;)
        {
            var chunk = file.Span(at, end - at);
            hash.Append(chunk);
            at += chunk.Length;
        }
        if (hash.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(trailer[8..]))
            throw new InvalidDataException($"{path} is damaged (checksum mismatch)");
        file.Bound(Magic.Length, end);
        into.ReadFrom(file);
    }

    public static void DeleteAllBut(string directory, string keep)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.snap*"))
            if (file != keep)
                File.Delete(file);
    }
}
