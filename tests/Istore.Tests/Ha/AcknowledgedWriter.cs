using System.Collections.Concurrent;
using Istore.Net.Client;

namespace Istore.Tests.Ha;

/// <summary>
/// Writes through a proxy as tenant t1 until stopped: <c>depth</c> SETs in flight on one
/// connection (pipelined), each key recorded once its +OK arrived, every error counted, and the
/// longest time without a successful write (the outage a failover causes) measured.
/// </summary>
internal sealed class AcknowledgedWriter : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _acknowledged = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private long _lastSuccessMs = Environment.TickCount64;
    private long _longestGapMs;
    private long _next;

    public AcknowledgedWriter(int port, string prefix, int depth = 8)
    {
        _run = Task.Run(() => RunAsync(port, prefix, depth));
    }

    public IReadOnlyCollection<string> Acknowledged => _acknowledged;

    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>The longest time between two acknowledged writes so far, in ms.</summary>
    public long LongestGapMs => Interlocked.Read(ref _longestGapMs);

    public long SinceLastSuccessMs => Environment.TickCount64 - Interlocked.Read(ref _lastSuccessMs);

    public async Task WaitForAcknowledgedAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_acknowledged.Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"only {_acknowledged.Count} writes acknowledged; errors: {string.Join(" | ", _errors.Take(5))}");
            await Task.Delay(5);
        }
    }

    private async Task RunAsync(int port, string prefix, int depth)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var client = await RespClient.ConnectAsync("127.0.0.1", port, _stop.Token);
                if ((await client.ExecuteAsync("AUTH", "t1", "p1")).IsError)
                    throw new IOException("AUTH refused");
                await Task.WhenAll(Enumerable.Range(0, depth).Select(_ => WriteLoopAsync(client, prefix)));
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                if (!_stop.IsCancellationRequested)
                    _errors.Enqueue("connection: " + ex.Message);
            }
        }
    }

    private async Task WriteLoopAsync(RespClient client, string prefix)
    {
        while (!_stop.IsCancellationRequested)
        {
            string key = $"{prefix}:{Interlocked.Increment(ref _next)}";
            var reply = await client.ExecuteAsync(["SET", key, key], CancellationToken.None);
            if (reply.IsError)
            {
                _errors.Enqueue(reply.AsString()!);
                await Task.Delay(5);
                continue;
            }
            _acknowledged.Enqueue(key);
            long now = Environment.TickCount64;
            long gap = now - Interlocked.Exchange(ref _lastSuccessMs, now);
            if (gap > Interlocked.Read(ref _longestGapMs))
                Interlocked.Exchange(ref _longestGapMs, gap);
        }
    }

    /// <summary>Stops writing; what was acknowledged stays readable.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>How many acknowledged keys do not read back (as themselves) through the proxy.</summary>
    public async Task<long> CountLostAsync(int port)
    {
        await using var client = await RespClient.ConnectAsync("127.0.0.1", port);
        await client.ExecuteAsync("AUTH", "t1", "p1");
        var keys = _acknowledged.ToArray();
        long lost = 0;
        foreach (var chunk in keys.Chunk(500))
        {
            var values = await client.ExecuteAsync(["MGET", .. chunk], CancellationToken.None);
            for (int i = 0; i < chunk.Length; i++)
                if (values[i].AsString() != chunk[i])
                    lost++;
        }
        return lost;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }
}
