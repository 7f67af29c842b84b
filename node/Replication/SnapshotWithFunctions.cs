using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Replication;

/// <summary>A full sync's snapshot: FUNCTION's libraries as they were at its offset, then the engine's dataset.</summary>
internal sealed class SnapshotWithFunctions(IDatasetSnapshot dataset, byte[] functions) : IDatasetSnapshot
{
    public void WriteTo(SnapshotWriter writer)
    {
        DatasetEntries.WriteFunctions(writer, functions);
        dataset.WriteTo(writer);
    }

    public void Dispose() => dataset.Dispose();
}
