using System.Buffers.Binary;
using System.IO.Hashing;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The collections of one checkpoint in a file: "ISOBJ1", the payload length, the payload and its
/// XxHash64. Written to a temporary name, flushed to disk, then renamed, so a crash leaves either
/// the old file or the whole new one; a damaged file stops start-up rather than losing data silently.
/// </summary>
internal static class ObjectSnapshotFile
{
    private static ReadOnlySpan<byte> Magic => "ISOBJ1"u8;

    public static void Write(string path, ReadOnlySpan<byte> payload)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> header = stackalloc byte[14];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[6..], payload.Length);
            file.Write(header);
            file.Write(payload);
            Span<byte> hash = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(hash, XxHash64.HashToUInt64(payload));
            file.Write(hash);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads the file into <paramref name="into"/>; a missing file means the checkpoint held no collections.</summary>
    public static void Load(string path, ObjectSpace into)
    {
        if (!File.Exists(path))
            return;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 22 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not an istore object snapshot");
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(6));
        if (length != bytes.Length - 22)
            throw new InvalidDataException($"{path} is truncated");
        var payload = bytes.AsSpan(14, (int)length);
        if (XxHash64.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(14 + (int)length)))
            throw new InvalidDataException($"{path} is damaged (checksum mismatch)");
        into.ReadFrom(payload);
    }

    public static void DeleteAllBut(string directory, string keep)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.snap*"))
            if (file != keep)
                File.Delete(file);
    }
}
