using System.Diagnostics;
using System.Net.Sockets;
using Istore.Proxy.Hosting;

namespace Istore.Proxy.Takeover;

/// <summary>
/// The successor's side of a takeover (<c>--takeover PATH</c>): connects to the running proxy,
/// receives its listening sockets (and serves them at once), then adopts its clients batch by
/// batch, carries its counters on, and listens on PATH itself for the next upgrade.
/// </summary>
internal sealed class TakeoverTarget : IDisposable
{
    /// <summary>Longer than any drain timeout: the predecessor sends a batch whenever clients become ready to move.</summary>
    private static readonly TimeSpan WaitForPredecessor = TimeSpan.FromMinutes(5);

    /// <summary>Test hook: stop acknowledging once this many clients arrived, to be killed half-way (ISTORE_PROXY_TAKEOVER_PAUSE_AFTER).</summary>
    private static readonly int PauseAfter = int.TryParse(Environment.GetEnvironmentVariable("ISTORE_PROXY_TAKEOVER_PAUSE_AFTER"), out int n) ? n : 0;

    private readonly FdChannel _channel;

    private TakeoverTarget(FdChannel channel, Socket listener, Socket? metricsListener, long lastConnectionId, int takeovers)
    {
        _channel = channel;
        Listener = listener;
        MetricsListener = metricsListener;
        LastConnectionId = lastConnectionId;
        Takeovers = takeovers;
    }

    public Socket Listener { get; }

    public Socket? MetricsListener { get; }

    /// <summary>The predecessor's last connection id: new connections continue after it.</summary>
    public long LastConnectionId { get; }

    /// <summary>Takeovers before this one.</summary>
    public int Takeovers { get; }

    /// <summary>Says hello to the proxy at <paramref name="path"/> and receives its listening sockets (it no longer accepts).</summary>
    public static TakeoverTarget Connect(string path)
    {
        var channel = new FdChannel(ControlSocket.Connect(path));
        try
        {
            var writer = new BinaryFieldWriter();
            writer.Int32(Environment.ProcessId);
            channel.Send(FrameType.Hello, writer.Written);
            var (type, payload, fds) = channel.Receive(TimeSpan.FromSeconds(10));
            if (type != FrameType.Listeners || fds.Length is not (1 or 2))
                throw new InvalidDataException($"expected the listening sockets, got {type} with {fds.Length} descriptor(s)");
            var reader = new BinaryFieldReader(payload);
            long lastId = reader.Int64();
            int takeovers = reader.Int32();
            return new TakeoverTarget(channel, Adopt(fds[0]), fds.Length > 1 ? Adopt(fds[1]) : null, lastId, takeovers);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    private static Socket Adopt(int fd) => new(new SafeSocketHandle(fd, ownsHandle: true));

    /// <summary>Tells the predecessor this process accepts now; it starts handing over its clients.</summary>
    public void Serving() => _channel.Send(FrameType.Ack, []);

    /// <summary>
    /// Adopts clients until the predecessor is done (or gone), then listens on <paramref name="controlPath"/>.
    /// Each batch is acknowledged before its clients are served, so a predecessor that gets no
    /// acknowledgement may take them back: this process has not read from them.
    /// </summary>
    public void ReceiveClients(ProxyServer server, string controlPath)
    {
        var logger = server.Logger;
        long started = Stopwatch.GetTimestamp();
        int clients = 0;
        try
        {
            while (true)
            {
                var (type, payload, fds) = _channel.Receive(WaitForPredecessor);
                var reader = new BinaryFieldReader(payload);
                if (type == FrameType.ScanTickets)
                    server.ScanTickets.Carry(reader);
                else if (type == FrameType.Clients)
                {
                    server.ScanTickets.Carry(reader);   // issued before these clients left, maybe to them
                    int count = reader.Int32();
                    if (count != fds.Length)
                        throw new InvalidDataException($"{count} client record(s) for {fds.Length} descriptor(s)");
                    var records = new ClientRecord[count];
                    for (int i = 0; i < count; i++)
                        records[i] = ClientRecord.Read(reader);
                    _channel.Send(FrameType.Ack, []);
                    for (int i = 0; i < count; i++)
                        server.Adopt(fds[i], records[i]);
                    clients += count;
                    if (PauseAfter > 0 && clients >= PauseAfter)
                    {
                        Log.TakeoverPaused(logger, clients);
                        Thread.Sleep(Timeout.Infinite);
                    }
                }
                else if (type == FrameType.Counters)
                    server.CarryCounters(reader);
                else if (type == FrameType.Done)
                {
                    server.ListenForTakeover(controlPath);
                    _channel.Send(FrameType.Ack, []);
                    Log.TookOver(logger, clients, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, server.Takeovers);
                    return;
                }
                else
                    throw new InvalidDataException($"unexpected {type} frame");
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The predecessor crashed or gave up: what arrived is served here; it serves the rest.
            Log.TakeoverEndedEarly(logger, ex.Message, clients);
            server.ListenForTakeover(controlPath);
        }
        finally
        {
            _channel.Dispose();
        }
    }

    public void Dispose() => _channel.Dispose();
}
