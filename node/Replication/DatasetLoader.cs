using Istore.Node.Engine;
using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Replication;

/// <summary>
/// Loads a full sync's snapshot (<see cref="DatasetEntries"/>) into the engine, in steps of a
/// thousand keys under the write lock, each step one engine command (one disk batch, strings included).
/// </summary>
internal static class DatasetLoader
{
    /// <param name="restoreFunctions">Replaces FUNCTION's libraries with the snapshot's (FUNCTION DUMP's payload).</param>
    public static long Load(Database db, ReadOnlySpan<byte> payload, Action<byte[]> restoreFunctions)
    {
        var reader = new SnapshotReader(payload);
        var members = new Ranklist.MemberTable();   // ranklists re-intern into the database's table when stored
        using var session = db.Engine.CreateSession();
        long loaded = 0;
        bool done = false;
        while (!done)
        {
            lock (db.WriteLock)
            {
                session.BeginCommand();
                session.BatchWrites();
                try
                {
                    for (int i = 0; i < 1000 && !done; i++)
                    {
                        byte entry = reader.ReadByte();
                        if (entry == DatasetEntries.FunctionsEntry)
                        {
                            restoreFunctions(reader.ReadBytes().ToArray());
                            continue;
                        }
                        var type = (KeyType)entry;
                        if (type == KeyType.None)
                        {
                            done = true;
                            break;
                        }
                        var key = reader.ReadBytes();
                        long expireAt = reader.ReadInt64();
                        if (type == KeyType.String)
                            session.Write(key, reader.ReadBytes(), expireAt);
                        else
                            session.WriteObject(key, ObjectSerializer.Read(type, ref reader, members), expireAt);
                        loaded++;
                    }
                }
                finally
                {
                    session.EndCommand();
                }
            }
        }
        if (!reader.AtEnd)
            throw new InvalidDataException("the snapshot has bytes after its end marker");
        return loaded;
    }
}
