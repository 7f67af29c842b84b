using Istore.Node.Objects;

namespace Istore.Node.Engine;

/// <summary>
/// The whole dataset as it was at one point of the write stream, captured by
/// <see cref="IStorageEngine.BeginDatasetSnapshot"/> under the keyspace write lock and written out
/// afterwards, while the node keeps serving (a replica's full sync).
/// </summary>
public interface IDatasetSnapshot : IDisposable
{
    /// <summary>Writes every key as a <see cref="DatasetEntries"/> entry, then the end marker.</summary>
    void WriteTo(SnapshotWriter writer);
}
