using Istore.Node.Commands;
using Istore.Node.Dump;

namespace Istore.Node.Scripting;

/// <summary>
/// Keeps FUNCTION's libraries across restarts and on replicas, on either engine. Every change is
/// written to <c>functions.dump</c> in the data directory (FUNCTION DUMP's payload, replaced
/// atomically and synced before the reply) and logged as <c>FUNCTION RESTORE payload FLUSH</c>: the
/// whole new state, so replaying it (at start-up, on a replica) is idempotent whatever came before.
/// A replica's full sync carries the libraries in the snapshot (<see cref="Engine.DatasetEntries"/>).
/// </summary>
internal static class FunctionPersistence
{
    public const string FileName = "functions.dump";

    /// <summary>The libraries changed (the caller holds the keyspace write lock): save and log them.</summary>
    public static void Changed(CommandContext c)
    {
        var payload = c.Node.Scripts.Functions.Dump();
        Save(c.Node.Options.Directory, payload);
        using var log = c.Keyspace.BeginRecord(4);
        log.Arg("FUNCTION"u8);
        log.Arg("RESTORE"u8);
        log.Arg(payload);
        log.Arg("FLUSH"u8);
    }

    /// <summary>Replaces the libraries with a payload's (start-up, a full sync) and saves them; Redis's error text when it does not load.</summary>
    public static string? Replace(ScriptingState scripting, string directory, ReadOnlySpan<byte> payload)
    {
        if (FunctionPayload.TryRead(payload, out var codes) is { } error)
            return error;
        if (scripting.Functions.Restore(scripting, codes, RestorePolicy.Flush) is { } loadError)
            return loadError;
        Save(directory, scripting.Functions.Dump());
        return null;
    }

    /// <summary>The saved payload, or null when no library was ever saved here.</summary>
    public static byte[]? Saved(string directory)
    {
        string path = Path.Combine(directory, FileName);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    private static void Save(string directory, byte[] payload)
    {
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(payload);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
