using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// A failure reported by RocksDB, with RocksDB's own message ("Corruption: …", "IO error: No space
/// left on device …"). An <see cref="IOException"/>, so start-up reports it and exits non-zero.
/// </summary>
public sealed class RocksDbException(string message) : IOException(message)
{
    /// <summary>Throws if <paramref name="err"/> holds a message, freeing it (RocksDB mallocs it).</summary>
    internal static void ThrowIfError(nint err)
    {
        if (err == 0)
            return;
        string message = Marshal.PtrToStringUTF8(err) ?? "unknown RocksDB error";
        RocksDbNative.Free(err);
        throw new RocksDbException("RocksDB: " + message);
    }
}
