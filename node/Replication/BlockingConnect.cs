using System.Net.Sockets;

namespace Istore.Node.Replication;

/// <summary>
/// Connects a socket synchronously, so it stays blocking. A .NET socket that ever ran in
/// non-blocking mode (ConnectAsync, or Blocking = false) stays non-blocking underneath for good,
/// and every synchronous Receive that has to wait is then emulated through the runtime's epoll
/// thread and an event: on a replica's link, a wakeup of two other threads per read of the stream
/// (profiled: a sixth of a busy replica's CPU went to thread-pool workers spinning after them).
/// </summary>
internal static class BlockingConnect
{
    /// <summary>Throws <see cref="OperationCanceledException"/> when <paramref name="cancel"/> fires first (a timeout, REPLICAOF NO ONE).</summary>
    public static void Connect(Socket socket, string host, int port, CancellationToken cancel)
    {
        // Linux aborts a connect in progress when its socket is shut down (inet_shutdown of SYN_SENT), waking the call.
        using (cancel.Register(() => Abort(socket)))
        {
            try
            {
                socket.Connect(host, port);
            }
            catch (SocketException) when (cancel.IsCancellationRequested)
            {
            }
        }
        cancel.ThrowIfCancellationRequested();
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
