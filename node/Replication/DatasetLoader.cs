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
    public static long Load(Database db, MappedSnapshot payload, Action<byte[]> restoreFunctions)
    {
        var members = new Ranklist.MemberTable();   // ranklists re-intern into the database's table when stored
        using var session = db.Engine.CreateSession();
        long loaded = 0;
        bool done = false;
        while (!done)
        {
            using (db.Lock.Hold())
            {
                session.BeginCommand();
                session.BatchWrites();
                try
                {
                    for (int i = 0; i < 1000 && !done; i++)
                    {
                        var reader = payload.Next();
                        byte entry = reader.ReadByte();
                        if (entry == DatasetEntries.FunctionsEntry)
                            restoreFunctions(reader.ReadBytes().ToArray());
                        else if ((KeyType)entry == KeyType.None)
                            done = true;
                        else
                        {
                            var key = reader.ReadBytes();
                            long expireAt = reader.ReadInt64();
                            if ((KeyType)entry == KeyType.String)
                                session.Write(key, reader.ReadBytes(), expireAt);
                            else
                                session.WriteObject(key, ObjectSerializer.Read((KeyType)entry, ref reader, members), expireAt);
                            loaded++;
                        }
                        payload.Advance(reader);
                    }
                }
                finally
                {
                    session.EndCommand();
                }
            }
        }
        if (!payload.AtEnd)
            throw new InvalidDataException("the snapshot has bytes after its end marker");
        return loaded;
    }
}
