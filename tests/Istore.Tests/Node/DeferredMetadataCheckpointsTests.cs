using FASTER.core;
using Istore.Node.Engine.Memory;

namespace Istore.Tests.Node;

/// <summary>
/// FASTER commits a checkpoint's metadata inside a state transition that event loops spin on; the
/// memory engine's manager only keeps it there and writes it afterwards, and recovery cannot see
/// the checkpoint before that.
/// </summary>
public sealed class DeferredMetadataCheckpointsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-deferred-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Metadata_committed_inside_the_transition_is_written_only_by_WritePending()
    {
        using var manager = new DeferredMetadataCheckpoints(_directory);
        ICheckpointManager fasters = manager;   // how FASTER calls it
        var token = Guid.NewGuid();
        byte[] index = [1, 2, 3], log = [4, 5, 6, 7];
        fasters.InitializeIndexCheckpoint(token);
        fasters.InitializeLogCheckpoint(token);
        fasters.CommitIndexCheckpoint(token, index);
        fasters.CommitLogCheckpoint(token, log);
        // Recovery reading now would not find this metadata (FASTER skips a token it cannot read).
        Assert.NotEqual(index, TryRead(() => fasters.GetIndexCheckpointMetadata(token), index.Length));
        Assert.NotEqual(log, TryRead(() => fasters.GetLogCheckpointMetadata(token, null!), log.Length));

        manager.WritePending();
        Assert.Equal(index, TryRead(() => fasters.GetIndexCheckpointMetadata(token), index.Length));
        Assert.Equal(log, TryRead(() => fasters.GetLogCheckpointMetadata(token, null!), log.Length));
        Assert.Throws<InvalidOperationException>(manager.WritePending);   // nothing is pending twice
    }

    /// <summary>The first <paramref name="length"/> bytes read (a read is sector-sized); none if the read fails.</summary>
    private static byte[] TryRead(Func<byte[]> read, int length)
    {
        try
        {
            return read().Take(length).ToArray();
        }
        catch (Exception ex) when (ex is IOException or FasterException or ArgumentException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
