using System.Diagnostics;
using System.Net.Sockets;
using Istore.Proxy.Hosting;

namespace Istore.Proxy.Takeover;

/// <summary>
/// The running proxy's side of a takeover (<c>--control-socket PATH</c>): a successor connects
/// to PATH; this process stops accepting and hands it the listening sockets, then each client
/// once it owes no reply (in batches of at most <see cref="FdChannel.MaxFds"/>, each acknowledged
/// and committed before this process closes its copies), closes past the drain timeout those that
/// could not move, hands over its counters and exits. If the successor fails half-way, or does not
/// acknowledge within <paramref name="ackTimeout"/> (hung), this process tells it to stand down,
/// accepts again and keeps serving every client it still holds.
/// </summary>
internal sealed class TakeoverSource(ProxyServer server, string path, TimeSpan drainTimeout, TimeSpan ackTimeout) : IDisposable
{
    private readonly Socket _listener = ControlSocket.Listen(path);
    private volatile bool _disposed;
    private volatile bool _succeeded;

    public void Start() => new Thread(AcceptLoop) { Name = "istore-takeover", IsBackground = true }.Start();

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket control;
            try
            {
                control = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            control.SendTimeout = (int)ackTimeout.TotalMilliseconds;   // a hung successor's full socket must not block this thread for good
            using var channel = new FdChannel(control);
            if (Serve(channel))
                return;
        }
    }

    /// <summary>One takeover; true when it completed (this process exits), false when this process serves on.</summary>
    private bool Serve(FdChannel channel)
    {
        var logger = server.Logger;
        int successor;
        try
        {
            var hello = Expect(channel, FrameType.Hello);
            successor = new BinaryFieldReader(hello).Int32();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            Log.TakeoverFailed(logger, "-", ex.Message, server.Host.ConnectionCount);
            return false;
        }
        long started = Stopwatch.GetTimestamp();
        server.Host.SetAccepting(false);
        try
        {
            SendListeners(channel);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            TryAbort(channel);
            server.ScanTickets.StopTracking();
            server.Host.SetAccepting(true);
            Log.TakeoverFailed(logger, successor.ToString(), ex.Message, server.Host.ConnectionCount);
            return false;
        }
        Log.TakeoverStarted(logger, successor);
        var sink = new HandOverSink(server.Readopt);
        server.HandOver(sink);
        List<MovedClient> batch = [];
        int moved = 0;
        try
        {
            long deadline = Environment.TickCount64 + (long)drainTimeout.TotalMilliseconds;
            bool stragglersClosed = false;
            var writer = new BinaryFieldWriter();
            SendTicketsAndBuckets(channel, writer);
            while (true)
            {
                batch = sink.Take(FdChannel.MaxFds, TimeSpan.FromMilliseconds(20));
                if (batch.Count > 0)
                {
                    writer.Clear();
                    server.ScanTickets.WriteIssued(writer);
                    writer.Int32(batch.Count);
                    foreach (var client in batch)
                        client.Record.Write(writer);
                    channel.Send(FrameType.Clients, writer.Written, batch.Select(c => c.Fd).ToArray());
                    Expect(channel, FrameType.Ack);
                    channel.Send(FrameType.Commit, []);
                    foreach (var client in batch)
                        FdChannel.close(client.Fd);
                    moved += batch.Count;
                    batch = [];
                }
                else if (server.Host.ConnectionCount == 0)
                {
                    // A loop forgets a client just before it puts it in the sink: once every loop is
                    // past that, an empty sink means everything was sent.
                    server.Host.WaitForLoops();
                    if (sink.Count == 0)
                        break;
                }
                if (!stragglersClosed && Environment.TickCount64 > deadline)
                {
                    stragglersClosed = true;
                    server.CloseUnmoved();
                }
            }
            writer.Clear();
            server.WriteCounters(writer);
            channel.Send(FrameType.Counters, writer.Written);
            channel.Send(FrameType.Done, []);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The successor serves no client of an uncommitted batch: they are ours alone again.
            // Those committed went with it.
            TryAbort(channel);
            sink.Cancel();
            server.ScanTickets.StopTracking();
            foreach (var client in batch)
                server.Readopt(client);
            server.CancelHandOver();
            server.Host.SetAccepting(true);
            Log.TakeoverFailed(logger, successor.ToString(), ex.Message, server.Host.ConnectionCount);
            Log.TakeoverLostClients(logger, moved);
            return false;
        }
        try
        {
            Expect(channel, FrameType.Ack);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // Everything is handed over already, the listening sockets included: nothing to serve on.
            Log.TakeoverDoneUnacknowledged(logger, successor, ex.Message);
        }
        Log.TakeoverDone(logger, successor, moved, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _succeeded = true;
        server.RequestShutdown();
        return true;
    }

    private void SendListeners(FdChannel channel)
    {
        var writer = new BinaryFieldWriter();
        writer.Int64(server.Host.LastConnectionId);
        writer.Int32(server.Takeovers);
        int[] fds = server.MetricsListenerFd is { } metrics ? [server.Host.ListenerFd, metrics] : [server.Host.ListenerFd];
        writer.Int32(fds.Length);
        channel.Send(FrameType.Listeners, writer.Written, fds);
        Expect(channel, FrameType.Ack);
        server.MetricsHandedOver();
    }

    /// <summary>
    /// The SCAN tickets issued so far and each tenant's QPS bucket, once no loop reads a client any
    /// more (so no token is taken here after the successor got its copy of the bucket).
    /// </summary>
    private void SendTicketsAndBuckets(FdChannel channel, BinaryFieldWriter writer)
    {
        server.Host.WaitForLoops();
        writer.Clear();
        server.ScanTickets.WriteAllAndTrack(writer);
        server.WriteBuckets(writer);
        channel.Send(FrameType.ScanTickets, writer.Written);
    }

    /// <summary>Tells a successor that may still be alive (hung past the timeout) to stand down: it gets nothing more.</summary>
    private static void TryAbort(FdChannel channel)
    {
        try
        {
            channel.Send(FrameType.Abort, []);
        }
        catch (IOException)
        {
            // It is gone.
        }
    }

    private byte[] Expect(FdChannel channel, FrameType type)
    {
        var (got, payload, fds) = channel.Receive(ackTimeout);
        foreach (int fd in fds)
            FdChannel.close(fd);
        if (got != type)
            throw new InvalidDataException($"expected {type}, got {got}");
        return payload;
    }

    public void Dispose()
    {
        _disposed = true;
        // Disposing a socket bound to a path deletes the file, which is the successor's socket now.
        if (!_succeeded)
            _listener.Dispose();
    }
}
