using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Istore.Ha.Etcd;

/// <summary>
/// etcd v3 through its JSON gateway (etcd 3.4: POST /v3/…), with source-generated JSON so it
/// runs under Native AOT. Several endpoints (members of one cluster): a request goes to the one
/// that answered last and moves on to the next when it refuses the connection, times out or
/// has no leader; only when none answers does it throw <see cref="EtcdUnavailableException"/>.
/// </summary>
public sealed partial class EtcdClient : IDisposable
{
    // gRPC codes for "this member cannot serve now" (no leader, request timed out inside etcd): another member may.
    private const int Unavailable = 14;
    private const int DeadlineExceeded = 4;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri[] _endpoints;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    // One per endpoint, cancelled when a request to it fails, so a watch stream stuck on a frozen member moves on too.
    private readonly CancellationTokenSource[] _endpointDown;
    private int _preferred;

    /// <param name="requestTimeout">How long one endpoint gets to answer a request (default 1.5 s: well under a 3 s lease).</param>
    public EtcdClient(IReadOnlyList<Uri> endpoints, TimeSpan? requestTimeout = null, ILogger? logger = null)
    {
        if (endpoints.Count == 0)
            throw new ArgumentException("at least one etcd endpoint is needed", nameof(endpoints));
        _endpoints = [.. endpoints];
        RequestTimeout = requestTimeout ?? TimeSpan.FromMilliseconds(1500);
        _logger = logger ?? NullLogger.Instance;
        _endpointDown = [.. _endpoints.Select(_ => new CancellationTokenSource())];
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = RequestTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,   // per request instead: a watch streams for as long as it is wanted
        };
    }

    public IReadOnlyList<Uri> Endpoints => _endpoints;

    public TimeSpan RequestTimeout { get; }

    /// <summary>Parses <c>--etcd</c>'s comma-separated list, e.g. <c>http://a:2379,http://b:2379</c>.</summary>
    public static IReadOnlyList<Uri> ParseEndpoints(string list)
    {
        var endpoints = new List<Uri>();
        foreach (string item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                throw new ArgumentException($"etcd endpoint '{item}' is not http://host:port or https://host:port");
            endpoints.Add(uri);
        }
        if (endpoints.Count == 0)
            throw new ArgumentException("no etcd endpoint given");
        return endpoints;
    }

    /// <summary>The key's current value, null when absent.</summary>
    public async Task<EtcdKeyValue?> GetAsync(string key, CancellationToken ct)
    {
        var response = await RangeAsync(new EtcdRangeRequest { Key = EtcdKey.Bytes(key) }, ct).ConfigureAwait(false);
        return response.Kvs?.FirstOrDefault();
    }

    public Task<EtcdRangeResponse> RangeAsync(EtcdRangeRequest request, CancellationToken ct) =>
        CallAsync("/v3/kv/range", request, EtcdJson.Default.EtcdRangeRequest, EtcdJson.Default.EtcdRangeResponse, ct);

    public Task<EtcdPutResponse> PutAsync(string key, string value, long lease, CancellationToken ct) =>
        CallAsync("/v3/kv/put", EtcdOp.Put(key, value, lease).RequestPut!, EtcdJson.Default.EtcdPutRequest, EtcdJson.Default.EtcdPutResponse, ct);

    /// <summary>Runs the success ops if every compare holds, else the failure ops, atomically.</summary>
    public Task<EtcdTxnResponse> TxnAsync(EtcdTxnRequest request, CancellationToken ct) =>
        CallAsync("/v3/kv/txn", request, EtcdJson.Default.EtcdTxnRequest, EtcdJson.Default.EtcdTxnResponse, ct);

    public Task<EtcdLeaseGrantResponse> LeaseGrantAsync(long ttlSeconds, CancellationToken ct) =>
        CallAsync("/v3/lease/grant", new EtcdLeaseGrantRequest { Ttl = ttlSeconds }, EtcdJson.Default.EtcdLeaseGrantRequest, EtcdJson.Default.EtcdLeaseGrantResponse, ct);

    /// <summary>Renews the lease once (the gateway's keep-alive stream with one message); the lease's TTL in seconds, 0 when it is gone.</summary>
    public async Task<long> LeaseKeepAliveAsync(long lease, CancellationToken ct)
    {
        var line = await CallAsync("/v3/lease/keepalive", new EtcdLeaseIdRequest { Id = lease },
            EtcdJson.Default.EtcdLeaseIdRequest, EtcdJson.Default.EtcdKeepAliveLine, ct).ConfigureAwait(false);
        if (line.Error is { } error)
            throw new EtcdException($"etcd lease keep-alive: {error.Message} (code {error.GrpcCode})", error.GrpcCode);
        return line.Result?.Ttl ?? 0;
    }

    /// <summary>Revokes the lease, deleting the keys attached to it at once.</summary>
    public Task<EtcdLeaseRevokeResponse> LeaseRevokeAsync(long lease, CancellationToken ct) =>
        CallAsync("/v3/lease/revoke", new EtcdLeaseIdRequest { Id = lease }, EtcdJson.Default.EtcdLeaseIdRequest, EtcdJson.Default.EtcdLeaseRevokeResponse, ct);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(string path, TRequest request,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var failures = new List<string>();
        int first = Volatile.Read(ref _preferred);
        for (int i = 0; i < _endpoints.Length; i++)
        {
            int e = (first + i) % _endpoints.Length;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(RequestTimeout);
            string failure;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = Json;
                using var response = await _http.PostAsync(new Uri(_endpoints[e], path), content, timeout.Token).ConfigureAwait(false);
                byte[] reply = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var result = JsonSerializer.Deserialize(reply, responseType) ?? throw new JsonException("empty reply");
                    Volatile.Write(ref _preferred, e);
                    return result;
                }
                var error = ParseError(reply, (int)response.StatusCode);
                if (error.Code is not (Unavailable or DeadlineExceeded))
                    throw new EtcdException($"etcd {path}: {error.Message} (code {error.Code})", error.Code);
                failure = error.Message ?? "unavailable";
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (JsonException ex)
            {
                failure = "not an etcd v3 gateway reply: " + ex.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"no answer in {RequestTimeout.TotalMilliseconds:0} ms";
            }
            failures.Add($"{_endpoints[e]}: {failure}");
            MarkDown(e, failure);
        }
        throw new EtcdUnavailableException($"etcd {path}: no endpoint answered ({string.Join("; ", failures)})");
    }

    private static EtcdErrorBody ParseError(byte[] reply, int status)
    {
        try
        {
            if (JsonSerializer.Deserialize(reply, EtcdJson.Default.EtcdErrorBody) is { Message: not null } error)
                return error;
        }
        catch (JsonException)
        {
        }
        // Not the gateway's error shape (a proxy's page, say): 5xx is worth another member, 4xx is not.
        return new EtcdErrorBody { Code = status >= 500 ? Unavailable : 0, Message = $"HTTP {status}" };
    }

    /// <summary>Moves later requests to the next endpoint and breaks the watch streams on this one.</summary>
    private void MarkDown(int endpoint, string reason)
    {
        Interlocked.CompareExchange(ref _preferred, (endpoint + 1) % _endpoints.Length, endpoint);
        // Not disposed: a watch may be reading its token right now; a cancelled source holds nothing.
        Interlocked.Exchange(ref _endpointDown[endpoint], new CancellationTokenSource()).Cancel();
        EtcdLog.EndpointFailed(_logger, _endpoints[endpoint].ToString(), reason);
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var down in _endpointDown)
            down.Dispose();
    }
}
