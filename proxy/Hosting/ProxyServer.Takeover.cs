using Istore.Proxy.Stats;
using Istore.Proxy.Takeover;

namespace Istore.Proxy.Hosting;

/// <summary>The proxy's part in a takeover, as the process handing over or as its successor (see <see cref="TakeoverSource"/>, <see cref="TakeoverTarget"/>).</summary>
public sealed partial class ProxyServer
{
    /// <summary>Counters a predecessor handed over; INFO and /metrics add them to this process's own.</summary>
    private readonly StatsRecorder _carried = new();
    private TakeoverSource? _takeoverSource;
    private volatile bool _standingDown;

    /// <summary>How many times a process took over from its predecessor to become this one (INFO's takeovers).</summary>
    public int Takeovers { get; private set; }

    internal int? MetricsListenerFd => _metrics?.ListenerFd;

    internal void MetricsHandedOver() => _metrics?.HandOver();

    /// <summary>Listens on <paramref name="path"/> for the next upgrade (replacing a stale socket file).</summary>
    internal void ListenForTakeover(string path)
    {
        var source = new TakeoverSource(this, path, Options.TakeoverDrainTimeout, Options.TakeoverAckTimeout);
        _takeoverSource = source;
        source.Start();
        Log.ControlSocket(_logger, path);
    }

    /// <summary>A takeover this process came too late for: it accepts no more and exits once the clients it did adopt are gone.</summary>
    internal void StandDown()
    {
        Host.SetAccepting(false);
        _standingDown = true;
    }

    internal void HandOver(HandOverSink sink)
    {
        foreach (var worker in Workers())
            worker.HandOver(sink);
    }

    internal void CancelHandOver()
    {
        foreach (var worker in Workers())
            worker.CancelHandOver();
    }

    internal void CloseUnmoved()
    {
        foreach (var worker in Workers())
            worker.CloseUnmoved();
    }

    /// <summary>Serves a client a predecessor handed over, or takes back one a failed takeover did not move.</summary>
    internal void Adopt(int fd, ClientRecord record) =>
        Host.Adopt(fd, record.Id, record.RemoteAddress, record.Input, c => ((ClientSession)c.State!).Worker.Restore(c, record));

    internal void Readopt(MovedClient client) => Adopt(client.Fd, client.Record);

    internal void WriteBuckets(BinaryFieldWriter writer) => CountersCarry.WriteBuckets(writer, _tenants.Values.ToList());

    /// <summary>Each tenant's QPS bucket continues from where the predecessor's was.</summary>
    internal void ContinueBuckets(BinaryFieldReader reader)
    {
        foreach (var (tenant, rate, tokens) in CountersCarry.ReadBuckets(reader))
            TenantState(tenant).Bucket.Continue(rate, tokens);
    }

    internal void WriteCounters(BinaryFieldWriter writer) =>
        CountersCarry.Write(writer, _tenants.Keys.Select(name => Snapshot(name)).ToList());

    internal void CarryCounters(BinaryFieldReader reader)
    {
        lock (_carried)
            CountersCarry.Read(reader, _carried, TenantState);
        lock (_workers)
            _carriedReady = true;
    }

    private ProxyWorker[] Workers()
    {
        lock (_workers)
            return [.. _workers];
    }
}
