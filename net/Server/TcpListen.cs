using System.Net;
using System.Net.Sockets;

namespace Istore.Net.Server;

/// <summary>Listening TCP sockets that restart over their own TIME_WAIT connections but never share a port.</summary>
public static class TcpListen
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>
    /// Binds and listens with SO_REUSEADDR alone, as Redis does. .NET's ReuseAddress option also sets
    /// SO_REUSEPORT on Linux, which lets a second process bind the same port and silently take half
    /// its connections: a node started twice on one port must fail with "address in use" instead.
    /// </summary>
    public static Socket Open(IPEndPoint endpoint, int backlog)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
                listener.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            listener.Bind(endpoint);
            listener.Listen(backlog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }
}
