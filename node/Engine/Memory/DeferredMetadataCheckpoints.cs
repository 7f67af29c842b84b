using FASTER.core;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER's checkpoint manager for dir/checkpoints, except that a checkpoint's two metadata files
/// are written when <see cref="WritePending"/> is called after the checkpoint, not inside FASTER's
/// state transition. Whichever thread reaches that transition runs it, an event loop's SET included,
/// and every other writer spins until it ends: with a busy disk, the synchronous metadata write
/// held an event loop for up to 4 s (a stack taken during a stalled SET, RESULTS.md session 20).
/// Until both files are written the checkpoint does not exist for recovery, which skips a token
/// whose metadata it cannot read; older checkpoints are removed only after it.
/// </summary>
internal sealed class DeferredMetadataCheckpoints(string directory)
    : DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(directory), removeOutdated: false),
      ICheckpointManager
{
    private (Guid Token, byte[] Metadata)? _index;
    private (Guid Token, byte[] Metadata)? _log;

    void ICheckpointManager.CommitIndexCheckpoint(Guid indexToken, byte[] commitMetadata) => _index = (indexToken, commitMetadata);

    void ICheckpointManager.CommitLogCheckpoint(Guid logToken, byte[] commitMetadata) => _log = (logToken, commitMetadata);

    /// <summary>Writes the metadata FASTER committed during the checkpoint that just completed: the index's first, as recovery pairs a log checkpoint with an index no newer.</summary>
    public void WritePending()
    {
        if (_index is not { } index || _log is not { } log)
            throw new InvalidOperationException("FASTER completed a checkpoint without committing its index and log metadata");
        _index = _log = null;
        CommitIndexCheckpoint(index.Token, index.Metadata);
        CommitLogCheckpoint(log.Token, log.Metadata);
    }
}
