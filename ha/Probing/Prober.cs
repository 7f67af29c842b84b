using System.Collections.Concurrent;
using Istore.Net.Routes;

namespace Istore.Ha.Probing;

/// <summary>
/// Probes every node (PING, then INFO replication) and every proxy (PING: any reply, even
/// -NOAUTH, means it serves) on its own loop, every <see cref="IntervalMs"/>, each probe bounded
/// by a timeout. Failover decisions read the latest <see cref="NodeStatus"/>; nothing here acts.
/// </summary>
public sealed class Prober : IDisposable
{
    private readonly ConcurrentDictionary<Endpoint, NodeStatus> _status = new();
    private readonly ConcurrentDictionary<Endpoint, CancellationTokenSource> _loops = new();
    private readonly ConcurrentDictionary<Endpoint, long> _watchedSince = new();
    private readonly CancellationTokenSource _stop = new();

    private readonly string? _nodePassword;

    /// <param name="nodePassword">The nodes' --requirepass, sent by every connection to a node.</param>
    public Prober(int downAfterMs, string? nodePassword = null)
    {
        _nodePassword = nodePassword;
        // Several probes fit in downAfterMs, so one lost probe never fails a master over.
        IntervalMs = Math.Clamp(downAfterMs / 10, 20, 1000);
        TimeoutMs = Math.Clamp(downAfterMs / 2, 50, 5000);
    }

    public int IntervalMs { get; }

    /// <summary>A connection to a node, authenticated when the nodes have a password.</summary>
    internal ProbeConnection Connect(Endpoint node) => new(node, _nodePassword);

    public int TimeoutMs { get; }

    public NodeStatus Status(Endpoint endpoint) => _status.GetValueOrDefault(endpoint, NodeStatus.Never);

    /// <summary>
    /// Since when <paramref name="endpoint"/> has not answered: its last good probe, or when its
    /// probing began if it never answered (a node just added gets the same grace as any other).
    /// </summary>
    public long SilentSinceMs(Endpoint endpoint) =>
        Math.Max(Status(endpoint).LastOkMs, _watchedSince.GetValueOrDefault(endpoint, Environment.TickCount64));

    /// <summary>Probes exactly these nodes and proxies from now on: new ones start, gone ones stop.</summary>
    public void Watch(IEnumerable<Endpoint> nodes, IEnumerable<Endpoint> proxies)
    {
        var wanted = nodes.Select(n => (n, true)).Concat(proxies.Select(p => (p, false))).ToDictionary(x => x.Item1, x => x.Item2);
        foreach (var (endpoint, loop) in _loops)
        {
            if (!wanted.ContainsKey(endpoint) && _loops.TryRemove(endpoint, out _))
            {
                loop.Cancel();
                _status.TryRemove(endpoint, out _);
                _watchedSince.TryRemove(endpoint, out _);
            }
        }
        foreach (var (endpoint, isNode) in wanted)
        {
            if (_loops.ContainsKey(endpoint))
                continue;
            var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            if (!_loops.TryAdd(endpoint, cts))
                continue;
            _watchedSince[endpoint] = Environment.TickCount64;
            _ = Task.Run(() => ProbeLoopAsync(endpoint, isNode, cts.Token));
        }
    }

    private async Task ProbeLoopAsync(Endpoint endpoint, bool isNode, CancellationToken ct)
    {
        using var connection = isNode ? Connect(endpoint) : new ProbeConnection(endpoint);
        while (!ct.IsCancellationRequested)
        {
            long started = Environment.TickCount64;
            try
            {
                _status[endpoint] = isNode ? await ProbeNodeAsync(connection, started).ConfigureAwait(false) : await ProbeProxyAsync(connection, started).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                _status[endpoint] = Status(endpoint) with { LastError = ex.Message, LastFailMs = started };
            }
            long wait = IntervalMs - (Environment.TickCount64 - started);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, wait)), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The status is stamped with the probe's start: what it says was true at some point after that.</summary>
    private async Task<NodeStatus> ProbeNodeAsync(ProbeConnection connection, long started)
    {
        var reply = await connection.ExpectAsync(TimeoutMs, "INFO", "replication").ConfigureAwait(false);
        return NodeStatus.FromInfo(started, InfoFields.Parse(reply.AsString() ?? ""));
    }

    private async Task<NodeStatus> ProbeProxyAsync(ProbeConnection connection, long started)
    {
        await connection.ExecuteAsync(TimeoutMs, "PING").ConfigureAwait(false);
        return new NodeStatus(started, "proxy", 0, null, true, null);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
