using Istore.Node.Objects;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// The memory engine's dataset snapshot (see <see cref="MemoryEngine.BeginDatasetSnapshot"/>): the
/// object space (collections and large strings) as captured at its offset, then the log's strings read live. Begun under the write lock.
/// </summary>
internal sealed class MemoryDatasetSnapshot : IDatasetSnapshot
{
    private readonly MemoryEngine _engine;
    private readonly ObjectCapture _capture;
    private readonly MemoryStream _early = new();
    private SnapshotWriter? _target;

    public MemoryDatasetSnapshot(MemoryEngine engine, Keyspace.KeyspaceLock writeLock)
    {
        _engine = engine;
        _capture = engine.Objects.BeginCapture(CaptureSlot.FullSync, writeLock, new SnapshotWriter(Forward), DatasetEntries.WriteObject);
    }

    /// <summary>Collections that changed before <see cref="WriteTo"/> was given its writer wait here, in order.</summary>
    private void Forward(ReadOnlySpan<byte> chunk)
    {
        if (_target is null)
            _early.Write(chunk);
        else
            _target.WriteRaw(chunk);
    }

    public void WriteTo(SnapshotWriter writer)
    {
        using (_capture.WriteLock.Hold())
        {
            writer.WriteRaw(_early.GetBuffer().AsSpan(0, (int)_early.Length));
            _target = writer;
        }
        _engine.Objects.Complete(_capture);
        _capture.Output.Flush();
        using (var session = _engine.CreateSession())
            DatasetEntries.WriteKeys(session, writer, writtenByCaller: key => _engine.Objects.TryGet(key, out _, out _));
        DatasetEntries.WriteEnd(writer);
    }

    public void Dispose() => _engine.Objects.EndCapture(_capture);
}
