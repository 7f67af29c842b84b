using Istore.Node.Objects;

namespace Istore.Node.Engine.Memory;

/// <summary>The memory engine's dataset snapshot: exact copies of the collections, strings read live (see <see cref="MemoryEngine.BeginDatasetSnapshot"/>).</summary>
internal sealed class MemoryDatasetSnapshot(MemoryEngine engine, List<(byte[] Key, StoredObject Value, long ExpireAt)> collections) : IDatasetSnapshot
{
    public void WriteTo(SnapshotWriter writer)
    {
        using (var session = engine.CreateSession())
            DatasetEntries.WriteKeys(session, writer, stringsOnly: true);
        foreach (var (key, value, expireAt) in collections)
            DatasetEntries.WriteObject(writer, key, value, expireAt);
        DatasetEntries.WriteEnd(writer);
    }

    public void Dispose() => collections.Clear();
}
