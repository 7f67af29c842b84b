using Istore.Node.Objects;

namespace Istore.Node.Engine;

/// <summary>
/// The dataset as a sequence of entries in the checkpoint encoding: type, key, expiry (Unix ms,
/// 0 = none), then the string's bytes or the collection as <see cref="StoredObject.WriteTo"/>
/// writes it; a <see cref="KeyType.None"/> byte ends it. A full sync opens with the functions entry. Engine-neutral: any engine writes it
/// through its sessions and any engine loads it, so a full sync needs no engine-specific files.
/// </summary>
public static class DatasetEntries
{
    public static void WriteString(SnapshotWriter writer, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt)
    {
        writer.WriteByte((byte)KeyType.String);
        writer.WriteBytes(key);
        writer.WriteInt64(expireAt);
        writer.WriteBytes(value);
    }

    public static void WriteObject(SnapshotWriter writer, ReadOnlySpan<byte> key, StoredObject value, long expireAt)
    {
        writer.WriteByte((byte)value.Type);
        writer.WriteBytes(key);
        writer.WriteInt64(expireAt);
        value.WriteTo(writer);
    }

    public static void WriteEnd(SnapshotWriter writer) => writer.WriteByte((byte)KeyType.None);

    /// <summary>The entry of FUNCTION's libraries (FUNCTION DUMP's payload), first in a full sync: not a key type.</summary>
    public const byte FunctionsEntry = 245;

    /// <summary>The entry of a disk master's dataset as RocksDB files (see Disk/DiskSstFiles), in place of its keys: not a key type.</summary>
    public const byte SstFilesEntry = 244;

    public static void WriteFunctions(SnapshotWriter writer, ReadOnlySpan<byte> payload)
    {
        writer.WriteByte(FunctionsEntry);
        writer.WriteBytes(payload);
    }

    /// <summary>
    /// Writes the keys a session sees; with <paramref name="writtenByCaller"/>, only strings, and not
    /// those it names (the memory engine's snapshots capture its object space themselves).
    /// </summary>
    public static void WriteKeys(IEngineSession session, SnapshotWriter writer, Func<ReadOnlySpan<byte>, bool>? writtenByCaller) =>
        ForEachKey(session, writtenByCaller, (key, _, value, collection, expireAt) =>
        {
            if (collection is null)
                WriteString(writer, key, value, expireAt);
            else
                WriteObject(writer, key, collection, expireAt);
        });

    public delegate void KeyVisitor(ReadOnlySpan<byte> key, KeyType type, ReadOnlySpan<byte> stringValue, StoredObject? collection, long expireAt);

    /// <summary>
    /// Visits every key a session sees with its value (a string's bytes, or the collection), in scan
    /// steps: a step's keys are read after the step, never inside it. Keys gone meanwhile are skipped.
    /// With <paramref name="writtenByCaller"/>, only the strings it does not name.
    /// </summary>
    public static void ForEachKey(IEngineSession session, Func<ReadOnlySpan<byte>, bool>? writtenByCaller, KeyVisitor visitor)
    {
        var keys = new List<KeyArena.Range>();
        var arena = new KeyArena();
        var value = new ValueBuffer(4096);
        long cursor = 0;
        do
        {
            keys.Clear();
            arena.Clear();
            cursor = session.Scan(cursor, 1024, (key, type, _) =>
            {
                if (writtenByCaller is null || (type == KeyType.String && !writtenByCaller(key)))
                    keys.Add(arena.Add(key));
            });
            foreach (var key in keys)
                VisitKey(session, arena[key], stringsOnly: writtenByCaller is not null, ref value, visitor);
        }
        while (cursor != 0);
    }

    /// <summary>Visits one key with its value, if it holds one (expired or not: the engine's view); false when it holds none.</summary>
    public static bool VisitKey(IEngineSession session, ReadOnlySpan<byte> key, bool stringsOnly, ref ValueBuffer value, KeyVisitor visitor)
    {
        var type = session.Read(key, ref value);
        if (type == KeyType.String)
            visitor(key, type, value.Span, null, value.ExpireAt);
        else if (type != KeyType.None && !stringsOnly && session.ReadObject(key, out var stored, out long expireAt, readOnly: false) != KeyType.None && stored is not null)
            visitor(key, type, default, stored, expireAt);
        else
            return false;
        return true;
    }
}
