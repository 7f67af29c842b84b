namespace Istore.Net.Server;

/// <summary>An application socket registered with an event loop: readable always, writable on request.</summary>
public sealed class SocketWatch : IDisposable
{
    private readonly EventLoop _loop;
    private bool _writable;
    private bool _disposed;

    internal SocketWatch(EventLoop loop, int fd, ulong tag)
    {
        _loop = loop;
        Fd = fd;
        Tag = tag;
    }

    internal int Fd { get; }

    internal ulong Tag { get; }

    /// <summary>Also report writability (while a send is stuck in a full socket).</summary>
    public void WantWritable(bool writable)
    {
        if (_disposed || _writable == writable)
            return;
        _writable = writable;
        _loop.ModifyWatch(this, writable);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _loop.Unwatch(this);
    }
}
