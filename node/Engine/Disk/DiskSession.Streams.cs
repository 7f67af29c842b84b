using Istore.Node.Objects.Streams;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// Streams: one <see cref="DiskStream"/> view per key per command, so every handler of a command
/// (an XREADGROUP naming a key twice, an EXEC, a blocked reader served by an XADD) changes the same
/// groups; the views write their bookkeeping and groups back before the batch is applied.
/// </summary>
internal sealed partial class DiskSession
{
    private readonly List<DiskStream> _streams = [];

    private DiskStream OpenStream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> record, long expireAt)
    {
        foreach (var open in _streams)
            if (open.Key.AsSpan().SequenceEqual(key))
                return open;
        var stream = DiskStream.Open(this, key, record, expireAt);
        if (_inCommand)
            _streams.Add(stream);
        return stream;
    }

    /// <summary>Stores a copy of <paramref name="source"/> at <paramref name="elements"/>' new version.</summary>
    private DiskStream StoreStream(ReadOnlySpan<byte> key, SubkeyStore elements, StreamValue source)
    {
        if (source is DiskStream disk)
            disk.Save();   // its groups as this command left them, before they are copied
        ForgetStream(key);
        var stream = DiskStream.Create(elements, source);
        if (_inCommand)
            _streams.Add(stream);
        return stream;
    }

    /// <summary>The key was deleted or overwritten: its view must not write it back.</summary>
    private void ForgetStream(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _streams.Count; i++)
            if (_streams[i].Key.AsSpan().SequenceEqual(key))
                _streams.RemoveAt(i--);
    }

    private void StreamExpiryChanged(ReadOnlySpan<byte> key, long expireAt)
    {
        foreach (var open in _streams)
            if (open.Key.AsSpan().SequenceEqual(key))
                open.ExpireAt = expireAt;
    }

    private void SaveStreams()
    {
        foreach (var open in _streams)
            open.Save();
    }

    private void ForgetStreams() => _streams.Clear();
}
