using System.Net.Sockets;

namespace Istore.Proxy.Takeover;

/// <summary>The Unix socket at PATH where a successor asks the running proxy to hand over.</summary>
internal static class ControlSocket
{
    /// <summary>
    /// Listens on <paramref name="path"/>, replacing whatever is there: a stale file, or the socket
    /// of the predecessor this process took over from (it only waits to exit).
    /// </summary>
    public static Socket Listen(string path)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(4);
        return socket;
    }

    public static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
