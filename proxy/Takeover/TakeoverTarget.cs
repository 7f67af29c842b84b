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

    /// <summary>Test hook: a hung successor, which acknowledges the first batch of clients this many ms late (ISTORE_PROXY_TAKEOVER_STALL_MS).</summary>
    private static readonly int StallBeforeAckMs = int.TryParse(Environment.GetEnvironmentVariable("ISTORE_PROXY_TAKEOVER_STALL_MS"), out int ms) ? ms : 0;

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

    /// <summary>Tells the predecessor this process accepts now; it starts handing over its clients (or, if this came too late, tells it to stand down).</summary>
    public void Serving() => TrySend(FrameType.Ack);

    /// <summary>
    /// Adopts clients until the predecessor is done, then listens on <paramref name="controlPath"/>.
    /// A batch is served only once the predecessor commits it (it got the acknowledgement in time);
    /// if it says abort instead, it kept them and this process stands down. If the predecessor
    /// dies, this process serves what it has (a batch in between included: no one else holds it)
    /// and listens on the control path.
    /// </summary>
    public void ReceiveClients(ProxyServer server, string controlPath)
    {
        var logger = server.Logger;
        long started = Stopwatch.GetTimestamp();
        int clients = 0;
        (int[] Fds, ClientRecord[] Records)? pending = null;
        try
        {
            while (true)
            {
                var (type, payload, fds) = _channel.Receive(WaitForPredecessor);
                var reader = new BinaryFieldReader(payload);
                if (type == FrameType.ScanTickets)
                {
                    server.ScanTickets.Carry(reader);
                    server.ContinueBuckets(reader);
                }
                else if (type == FrameType.Clients)
                {
                    pending = (fds, []);
                    server.ScanTickets.Carry(reader);   // issued before these clients left, maybe to them
                    int count = reader.Int32();
                    if (count != fds.Length)
                        throw new InvalidDataException($"{count} client record(s) for {fds.Length} descriptor(s)");
                    var records = new ClientRecord[count];
                    for (int i = 0; i < count; i++)
                        records[i] = ClientRecord.Read(reader);
                    pending = (fds, records);
                    if (clients == 0 && StallBeforeAckMs > 0)
                        Thread.Sleep(StallBeforeAckMs);
                    TrySend(FrameType.Ack);
                }
                else if (type == FrameType.Commit && pending is { } batch)
                {
                    pending = null;
                    for (int i = 0; i < batch.Fds.Length; i++)
                        server.Adopt(batch.Fds[i], batch.Records[i]);
                    clients += batch.Fds.Length;
                    if (PauseAfter > 0 && clients >= PauseAfter)
                    {
                        Log.TakeoverPaused(logger, clients);
                        Thread.Sleep(Timeout.Infinite);
                    }
                }
                else if (type == FrameType.Abort)
                {
                    StandDown(server, pending, clients);
                    return;
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
        catch (EndOfStreamException ex)
        {
            // The predecessor is gone (it says abort before it takes a batch back): everything received is served here.
            if (pending is { Records.Length: > 0 } batch)
            {
                for (int i = 0; i < batch.Fds.Length; i++)
                    server.Adopt(batch.Fds[i], batch.Records[i]);
                clients += batch.Fds.Length;
                pending = null;
            }
            Log.TakeoverEndedEarly(logger, ex.Message, clients);
            server.ListenForTakeover(controlPath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The predecessor is there but the exchange broke: it keeps what it did not commit.
            Log.TakeoverEndedEarly(logger, ex.Message, clients);
            StandDown(server, pending, clients);
        }
        finally
        {
            _channel.Dispose();
        }
    }

    /// <summary>The predecessor kept its clients and serves on: accept no more, give back the batch it did not commit, exit once the committed ones are gone.</summary>
    private static void StandDown(ProxyServer server, (int[] Fds, ClientRecord[] Records)? pending, int clients)
    {
        foreach (int fd in pending?.Fds ?? [])
            FdChannel.close(fd);
        Log.TakeoverStoodDown(server.Logger, clients);
        server.StandDown();
    }

    private void TrySend(FrameType type)
    {
        try
        {
            _channel.Send(type, []);
        }
        catch (IOException)
        {
            // The predecessor closed the channel: the next frame read says whether it aborted or died.
        }
    }

    public void Dispose() => _channel.Dispose();
}
