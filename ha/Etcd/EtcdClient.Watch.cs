using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Istore.Ha.Etcd;

public sealed partial class EtcdClient
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Every change to <paramref name="key"/> (or to [key, rangeEnd)) from <paramref name="startRevision"/> on,
    /// in revision order, until <paramref name="ct"/> is cancelled (which closes the stream: the gateway then
    /// cancels the watch). A broken stream is opened again, on the next endpoint when its own failed, from the
    /// revision after the last event seen, so nothing is missed or repeated; throws
    /// <see cref="EtcdCompactedException"/> when etcd no longer has that revision.
    /// </summary>
    public async IAsyncEnumerable<EtcdEvent> WatchAsync(string key, byte[]? rangeEnd, long startRevision,
        [EnumeratorCancellation] CancellationToken ct)
    {
        long next = startRevision;
        var delay = FirstRetryDelay;
        while (true)
        {
            int e = Volatile.Read(ref _preferred);
            using var stream = CancellationTokenSource.CreateLinkedTokenSource(ct, Volatile.Read(ref _endpointDown[e]).Token);
            var request = new EtcdWatchRequest { CreateRequest = new() { Key = EtcdKey.Bytes(key), RangeEnd = rangeEnd, StartRevision = next } };
            using var reader = await OpenWatchAsync(e, request, stream.Token, ct).ConfigureAwait(false);
            while (reader is not null)
            {
                var line = await ReadWatchLineAsync(reader, e, stream.Token, ct).ConfigureAwait(false);
                if (line?.Result is not { } result)
                    break;
                if (result.Canceled)
                {
                    if (result.CompactRevision > 0)
                        throw new EtcdCompactedException(result.CompactRevision);
                    EtcdLog.WatchBroken(_logger, _endpoints[e].ToString(), result.CancelReason ?? "canceled by etcd");
                    break;
                }
                if (result.Created)
                    delay = FirstRetryDelay;
                foreach (var change in result.Events ?? [])
                {
                    next = change.Kv.ModRevision + 1;
                    yield return change;
                }
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetryDelay.Ticks));
        }
    }

    /// <summary>The stream's lines, null (the endpoint marked down) when it cannot be opened.</summary>
    private async Task<StreamReader?> OpenWatchAsync(int e, EtcdWatchRequest request, CancellationToken stream, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stream);
        timeout.CancelAfter(RequestTimeout);
        string failure;
        try
        {
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, EtcdJson.Default.EtcdWatchRequest));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoints[e], "/v3/watch")) { Content = content };
            var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                return new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false));
            failure = $"HTTP {(int)response.StatusCode}";
            response.Dispose();
        }
        catch (HttpRequestException ex)
        {
            failure = ex.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            failure = "no answer in time";
        }
        MarkDown(e, "watch: " + failure);
        return null;
    }

    /// <summary>The next line, null when the stream ended or broke (then the endpoint is marked down if etcd failed it).</summary>
    private async Task<EtcdWatchLine?> ReadWatchLineAsync(StreamReader reader, int e, CancellationToken stream, CancellationToken ct)
    {
        string failure;
        try
        {
            string? text = await reader.ReadLineAsync(stream).ConfigureAwait(false);
            if (text is null)
                failure = "stream closed";
            else if (JsonSerializer.Deserialize(text, EtcdJson.Default.EtcdWatchLine) is { } line)
            {
                if (line.Error is null)
                    return line;
                failure = $"{line.Error.Message} (code {line.Error.GrpcCode})";
            }
            else
                failure = "empty line";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or JsonException)
        {
            failure = ex.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Another request found this endpoint down (MarkDown already logged it).
            return null;
        }
        MarkDown(e, "watch: " + failure);
        return null;
    }
}
