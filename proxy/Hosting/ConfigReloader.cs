using System.Runtime.InteropServices;

namespace Istore.Proxy.Hosting;

/// <summary>
/// Reloads the configuration on SIGHUP and when the file changes. The file is polled (size and
/// modification time) rather than watched, so an editor's or script's write-and-rename is seen
/// as surely as an in-place write.
/// </summary>
internal sealed class ConfigReloader(ProxyServer server, string path, TimeSpan interval) : IDisposable
{
    private PosixSignalRegistration? _hangup;
    private Timer? _poll;
    private (DateTime, long) _seen;

    public void Start()
    {
        _seen = Stamp();
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _seen = Stamp();
            server.Reload("SIGHUP");
        });
        _poll = new Timer(_ => Poll(), null, interval, interval);
    }

    private void Poll()
    {
        var stamp = Stamp();
        if (stamp == _seen)
            return;
        _seen = stamp;
        server.Reload("file changed");
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _poll?.Dispose();
    }
}
