using Istore.Node.Objects;

namespace Istore.Node.Engine;

/// <summary>
/// An engine whose full sync to a replica of the same engine and format ships its own files
/// instead of its keys (the disk engine: SST files the replica ingests). Between different
/// engines the key-by-key <see cref="DatasetEntries"/> stay the format.
/// </summary>
internal interface IFileSyncEngine
{
    /// <summary>The REPLCONF capa a replica announces to get files: names the engine's storage format.</summary>
    string FileSyncCapability { get; }

    /// <summary>Makes the next <see cref="BeginFileSnapshot"/> cheap (no lock held; writers go on). May take a while.</summary>
    void PrepareFileSnapshot();

    /// <summary>Like <see cref="IStorageEngine.BeginDatasetSnapshot"/>, written as files (under the keyspace write lock).</summary>
    IDatasetSnapshot BeginFileSnapshot(string workDirectory);

    /// <summary>Writes the files of a payload positioned after its files entry into <paramref name="directory"/> (no lock); returns them with the part of the dataset each holds.</summary>
    IReadOnlyList<(string Part, string Path)> UnpackFiles(MappedSnapshot payload, string directory);

    /// <summary>
    /// Replaces the whole dataset with unpacked files in one step, under the keyspace write lock:
    /// readers see the old data until then. The data is at the log's current stream offset.
    /// </summary>
    void ReplaceWithFiles(IReadOnlyList<(string Part, string Path)> files);
}
