using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Istore.Net.Client;
using Istore.Net.Routes;

namespace Istore.Perf;

/// <summary>
/// perf/scale.sh: issue 14's targets on the published binaries. `istore-ha up` (2 shards × master
/// + replica), KEYS strings of 64 bytes loaded through the proxy, then ROUNDS rounds of: a quiet
/// phase, scale 2 → 3, a quiet phase, scale 3 → 2. Four clients keep one GET or SET each in flight
/// through the proxy the whole time; each phase's client p99 is recorded. Reported: HA's pass
/// (keys moved per second), the cut-over pause, and client p99 while keys move over the p99 of the
/// quiet phase before it (median of the ratios), and while moving the p99 of requests on keys the
/// step moves (the proxy moves each first, see ProxyWorker.Migration) apart from the keys that stay,
/// which says whether the tail is the on-demand move or the load the pass puts on the machine.
/// The rate cap trades the pass's speed for the clients' tail.
/// </summary>
internal static class ScaleRun
{
    private const int QuietMs = 5000;

    public static async Task<int> Run(string bin, string engine, int keys, int rounds, int keysPerSec)
    {
        string work = Directory.CreateTempSubdirectory("istore-scale-").FullName;
        int basePort = Random.Shared.Next(20_000, 30_000);
        var up = Process.Start(new ProcessStartInfo($"{bin}/ha/istore-ha", ["up", "--dir", work, "--base-port", basePort.ToString(), "--shards", "2", "--replicas", "1", "--engine", engine, "--scale-keys-per-sec", keysPerSec.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = up.StandardError.ReadToEndAsync();   // drained, never read
        try
        {
            string? line;
            while ((line = await up.StandardOutput.ReadLineAsync()) is not null && !line.Contains("istore cluster is up"))
            {
            }
            _ = up.StandardOutput.ReadToEndAsync();
            var file = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "cluster.json")))!;
            int proxyPort = int.Parse(((string)file["proxy"]!).Split(':')[1]);
            string password = (string)file["tenants"]![0]!["password"]!;
            using var http = new HttpClient { BaseAddress = new Uri((string)file["dashboard"]!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)file["adminToken"]!);

            await LoadAsync(proxyPort, password, keys);
            Console.WriteLine($"engine {engine}, {keys} keys of 64 bytes, {rounds} rounds, HA's rate cap {keysPerSec} keys/s");
            var clients = new Clients(proxyPort, password, keys);
            var ratios = new List<double>();
            var rates = new List<double>();
            var cutOvers = new List<long>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (int shards in new[] { 3, 2 })
                {
                    clients.NewPhase();
                    await Task.Delay(QuietMs);
                    double quiet = clients.P99Us();
                    clients.NewPhase();
                    var progress = await ScaleAsync(http, shards);
                    double moving = clients.P99Us();
                    var (moved, stayed) = clients.P99UsByMove();
                    double rate = (double)progress["keysPerSec"]!;
                    long cutOver = (long)progress["cutOverMs"]!;
                    ratios.Add(moving / quiet);
                    rates.Add(rate);
                    cutOvers.Add(cutOver);
                    Console.WriteLine($"round {round} -> {shards} shards: {(long)progress["keysMoved"]!} keys moved by HA at {rate:F0} keys/s, cut-over {cutOver} ms; "
                        + $"client p99 {quiet:F0} us quiet, {moving:F0} us while moving ({moving / quiet:F2}x): moving keys {moved:F0} us, staying keys {stayed:F0} us");
                }
            }
            await clients.StopAsync();
            Console.WriteLine($"median HA pass: {Median(rates):F0} keys/s; cut-over p50 {Percentile(cutOvers, 0.5)} ms, max {cutOvers.Max()} ms; "
                + $"client p99 while moving / quiet: median {Median(ratios):F2}x; client errors {clients.Errors}");
            return 0;
        }
        finally
        {
            Process.Start("kill", ["-TERM", up.Id.ToString()])?.WaitForExit();
            if (!up.WaitForExit(60_000))
                up.Kill(entireProcessTree: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<JsonNode> ScaleAsync(HttpClient http, int shards)
    {
        var response = await http.PostAsync("api/v1/tenants/demo/scale", new StringContent($$"""{"shards": {{shards}}}""", Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        while (true)
        {
            await Task.Delay(100);
            var progress = JsonNode.Parse(await http.GetStringAsync("api/v1/tenants/demo/scale"))!;
            string state = (string)progress["state"]!;
            if (state == "done")
                return progress;
            if (state is "failed" or "cancelled")
                throw new InvalidOperationException(progress.ToJsonString());
        }
    }

    private static async Task LoadAsync(int proxyPort, string password, int keys)
    {
        await using var c = await ConnectAsync(proxyPort, password);
        string value = new('v', 64);
        for (int from = 0; from < keys; from += 1000)
        {
            var bytes = new ArrayBufferWriter<byte>();
            int n = Math.Min(1000, keys - from);
            for (int i = from; i < from + n; i++)
                RespCommandEncoder.Write(bytes, ["SET", $"key:{i}", value]);
            await c.SendRawAsync(bytes.WrittenMemory, n);
        }
    }

    private static async Task<RespClient> ConnectAsync(int proxyPort, string password)
    {
        var c = await RespClient.ConnectAsync("127.0.0.1", proxyPort);
        await c.ExecuteAsync("AUTH", "demo", password);
        return c;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static long Percentile(List<long> values, double p) => values.Order().ElementAt(Math.Min(values.Count - 1, (int)(values.Count * p)));

    /// <summary>Four clients with one request each in flight; latencies per phase.</summary>
    private sealed class Clients
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _tasks;
        private readonly Lock _lock = new();
        private List<long> _latencies = [];
        private List<long> _moved = [], _stayed = [];
        public long Errors;

        public Clients(int proxyPort, string password, int keys) =>
            _tasks = Enumerable.Range(0, 4).Select(i => Task.Run(() => RunAsync(proxyPort, password, keys, i))).ToArray();

        public void NewPhase()
        {
            lock (_lock)
                (_latencies, _moved, _stayed) = ([], [], []);
        }

        public double P99Us()
        {
            lock (_lock)
                return P99Us(_latencies);
        }

        /// <summary>This phase's p99 of the keys whose shard differs between 2 and 3 shards, and of the others.</summary>
        public (double Moved, double Stayed) P99UsByMove()
        {
            lock (_lock)
                return (P99Us(_moved), P99Us(_stayed));
        }

        private static double P99Us(List<long> latencies) =>
            latencies.Count == 0 ? 0 : latencies.Order().ElementAt((int)(latencies.Count * 0.99)) * 1_000_000.0 / Stopwatch.Frequency;

        private async Task RunAsync(int proxyPort, string password, int keys, int seed)
        {
            await using var c = await ConnectAsync(proxyPort, password);
            var random = new Random(seed);
            while (!_stop.IsCancellationRequested)
            {
                string key = $"key:{random.Next(keys)}";
                long start = Stopwatch.GetTimestamp();
                var reply = random.Next(2) == 0 ? await c.ExecuteAsync("GET", key) : await c.ExecuteAsync("SET", key, "w");
                long took = Stopwatch.GetTimestamp() - start;
                if (reply.IsError)
                    Interlocked.Increment(ref Errors);
                bool moves = KeyHash.Shard(Encoding.UTF8.GetBytes(key), 2) != KeyHash.Shard(Encoding.UTF8.GetBytes(key), 3);
                lock (_lock)
                {
                    _latencies.Add(took);
                    (moves ? _moved : _stayed).Add(took);
                }
            }
        }

        public async Task StopAsync()
        {
            _stop.Cancel();
            await Task.WhenAll(_tasks);
        }
    }
}
