using Istore.Net.Client;
using Istore.Net.Resp;
using Istore.Net.Routes;

namespace Istore.Ha.Probing;

/// <summary>
/// One reused connection to a node or proxy for probes and commands, each bounded by a timeout:
/// a frozen peer (SIGSTOP, a partition) costs a timeout, never a hung probe. A failed or timed-out
/// command drops the connection; the next call reconnects (and AUTHs with <c>password</c>, for
/// nodes started with --requirepass).
/// </summary>
internal sealed class ProbeConnection(Endpoint endpoint, string? password = null) : IDisposable
{
    private RespClient? _client;

    public Endpoint Endpoint => endpoint;

    /// <summary>Sends one command and returns its reply; throws (IOException, TimeoutException) when the peer does not answer in time.</summary>
    public Task<RespValue> ExecuteAsync(int timeoutMs, params string[] args) =>
        ExecuteAsync(timeoutMs, args.Select(a => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(a)).ToArray());

    /// <summary>The same with binary arguments (keys as a node lists them).</summary>
    public async Task<RespValue> ExecuteAsync(int timeoutMs, ReadOnlyMemory<byte>[] args)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            if (_client is null)
            {
                var client = await RespClient.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
                if (password is not null && await client.ExecuteAsync(["AUTH", password], timeout.Token).ConfigureAwait(false) is { IsError: true } refused)
                {
                    client.Dispose();
                    throw new IOException($"{endpoint} refused AUTH: {refused.AsString()}");
                }
                _client = client;
            }
            return await _client.ExecuteAsync(args, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            Drop();
            if (ex is OperationCanceledException)
                throw new TimeoutException($"{endpoint} did not answer {System.Text.Encoding.UTF8.GetString(args[0].Span)} within {timeoutMs} ms");
            throw new IOException($"{endpoint}: {ex.Message}", ex);
        }
    }

    /// <summary>Like <see cref="ExecuteAsync"/>, but an error reply is an exception too.</summary>
    public async Task<RespValue> ExpectAsync(int timeoutMs, params string[] args) =>
        Success(await ExecuteAsync(timeoutMs, args).ConfigureAwait(false), string.Join(' ', args));

    /// <summary>The same with binary arguments; the error names the command only.</summary>
    public async Task<RespValue> ExpectAsync(int timeoutMs, ReadOnlyMemory<byte>[] args) =>
        Success(await ExecuteAsync(timeoutMs, args).ConfigureAwait(false), System.Text.Encoding.UTF8.GetString(args[0].Span));

    private RespValue Success(RespValue reply, string command) =>
        reply.IsError ? throw new IOException($"{endpoint} answered {command} with: {reply.AsString()}") : reply;

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    public void Dispose() => Drop();
}
