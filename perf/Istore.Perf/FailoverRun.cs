using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Istore.Net.Client;

namespace Istore.Perf;

/// <summary>
/// perf/failover.sh: istore-ha's targets on the published binaries. A shard of a master and two
/// replicas (--sync-replicas 1), istore-ha (downAfterMs 1000) and a proxy taking routes from it;
/// a writer keeps 8 SETs in flight through the proxy and records every acknowledged key.
/// - unplanned: kill -9 the master; failover time = kill → first write acknowledged after it;
///   the killed node is restarted (HA demotes it) before the next trial; loss counted at the end;
/// - planned: FAILOVER on HA's port; pause = longest time without an acknowledged write; errors;
/// - etcd (when an etcd binary is given): three HA processes, the leader killed, time until
///   another leads.
/// </summary>
internal static class FailoverRun
{
    public static async Task<int> Run(string bin, string engine, int trials, string? etcdBinary)
    {
        string work = Directory.CreateTempSubdirectory("istore-failover-").FullName;
        var processes = new List<Process>();
        try
        {
            int[] ports = [FreePort(), FreePort(), FreePort()];
            foreach (var (port, i) in ports.Select((p, i) => (p, i)))
                processes.Add(await StartNodeAsync(bin, engine, port, Path.Combine(work, $"n{i}"), i == 0 ? null : ports[0]));
            await Task.Delay(1000);
            int haPort = FreePort(), proxyPort = FreePort();
            string config = Path.Combine(work, "ha.json");
            File.WriteAllText(config, $$"""{"version": 1, "listen": "127.0.0.1:{{haPort}}", "downAfterMs": 1000, "tenants": [{"name": "t1", "password": "p1", "shards": [{"master": "127.0.0.1:{{ports[0]}}", "replicas": ["127.0.0.1:{{ports[1]}}", "127.0.0.1:{{ports[2]}}"]}]}]}""");
            processes.Add(Start($"{bin}/ha/istore-ha", Path.Combine(work, "ha.log"), "--config", config));
            await WaitForPortAsync(haPort);
            processes.Add(Start($"{bin}/proxy/istore-proxy", Path.Combine(work, "proxy.log"), "--ha", $"127.0.0.1:{haPort}", "--listen", $"127.0.0.1:{proxyPort}"));
            await WaitForPortAsync(proxyPort);

            var writer = new Writer(proxyPort);
            var failovers = new List<long>();
            for (int trial = 0; trial < trials; trial++)
            {
                await writer.WaitForMoreAsync(500);
                int master = Array.IndexOf(ports, await MasterPortAsync(haPort));
                processes[master].Kill();
                long killedAt = Environment.TickCount64;
                failovers.Add(await writer.FirstAckAfterAsync(killedAt) - killedAt);
                processes[master].WaitForExit();
                processes[master] = await StartNodeAsync(bin, engine, ports[master], Path.Combine(work, $"n{master}"), null);
                await WaitLinkUpAsync(ports[master]);   // HA demotes it; the shard is whole again before the next trial
                Console.WriteLine($"unplanned {trial}: {failovers[^1]} ms");
            }
            long unplannedErrors = Interlocked.Exchange(ref writer.Errors, 0);
            var pauses = new List<long>();
            for (int trial = 0; trial < trials; trial++)
            {
                await writer.WaitForMoreAsync(500);
                writer.ResetGap();
                await using var ha = await RespClient.ConnectAsync("127.0.0.1", haPort);
                var reply = await ha.ExecuteAsync("FAILOVER", "t1", "0");
                await writer.WaitForMoreAsync(500);
                pauses.Add(writer.LongestGapMs);
                Console.WriteLine($"planned {trial}: {reply.AsString()}, pause {pauses[^1]} ms");
                await Task.Delay(500);
            }
            await writer.StopAsync();
            await Task.Delay(2000);
            long lost = await writer.CountLostAsync();
            Console.WriteLine($"engine {engine}: unplanned failover (kill -9 -> first acknowledged write) over {trials}: p50 {Percentile(failovers, 50)} ms, p99 {Percentile(failovers, 99)} ms, max {failovers.Max()} ms; errors meanwhile {unplannedErrors}");
            Console.WriteLine($"engine {engine}: planned switchover pause over {trials}: p50 {Percentile(pauses, 50)} ms, p99 {Percentile(pauses, 99)} ms; errors {writer.Errors}");
            Console.WriteLine($"engine {engine}: {writer.Acknowledged} acknowledged writes, {lost} lost");
            if (etcdBinary is not null)
                await EtcdLeaderRun(bin, etcdBinary, work, config, trials, processes);
            return lost == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var p in processes)
                if (!p.HasExited)
                    p.Kill();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task EtcdLeaderRun(string bin, string etcdBinary, string work, string config, int trials, List<Process> processes)
    {
        int client = FreePort(), peer = FreePort();
        processes.Add(Start(etcdBinary, Path.Combine(work, "etcd.log"), "--data-dir", Path.Combine(work, "etcd"), "--listen-client-urls", $"http://127.0.0.1:{client}",
            "--advertise-client-urls", $"http://127.0.0.1:{client}", "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"default=http://127.0.0.1:{peer}"));
        await WaitForPortAsync(client);
        var has = new Dictionary<int, Process>();
        foreach (int port in new[] { FreePort(), FreePort(), FreePort() })
        {
            has[port] = Start($"{bin}/ha/istore-ha", Path.Combine(work, $"ha-{port}.log"), "--config", config, "--etcd", $"http://127.0.0.1:{client}", "--listen", $"127.0.0.1:{port}");
            processes.Add(has[port]);
            await WaitForPortAsync(port);
        }
        var changes = new List<long>();
        for (int trial = 0; trial < trials; trial++)
        {
            int leader = await LeaderAsync(has.Keys);
            has[leader].Kill();
            long killedAt = Environment.TickCount64;
            int next = await LeaderAsync(has.Keys.Where(p => p != leader));
            changes.Add(Environment.TickCount64 - killedAt);
            Console.WriteLine($"etcd leader change {trial}: {leader} killed, {next} leads after {changes[^1]} ms");
            has[leader].WaitForExit();
            has[leader] = Start($"{bin}/ha/istore-ha", Path.Combine(work, $"ha-{leader}.log"), "--config", config, "--etcd", $"http://127.0.0.1:{client}", "--listen", $"127.0.0.1:{leader}");
            processes.Add(has[leader]);
            await WaitForPortAsync(leader);
        }
        Console.WriteLine($"etcd: HA leader change over {trials} (lease TTL 3 s): p50 {Percentile(changes, 50)} ms, p99 {Percentile(changes, 99)} ms, max {changes.Max()} ms");
    }

    private static async Task<int> LeaderAsync(IEnumerable<int> ports)
    {
        while (true)
        {
            foreach (int port in ports)
            {
                try
                {
                    await using var c = await RespClient.ConnectAsync("127.0.0.1", port);
                    if ((await c.ExecuteAsync("INFO")).AsString()!.Contains("is_leader:1"))
                        return port;
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                }
            }
            await Task.Delay(10);
        }
    }

    private static async Task WaitLinkUpAsync(int port)
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", port);
        while (!(await c.ExecuteAsync("INFO", "replication")).AsString()!.Contains("master_link_status:up"))
            await Task.Delay(20);
    }

    private static async Task<int> MasterPortAsync(int haPort)
    {
        await using var c = await RespClient.ConnectAsync("127.0.0.1", haPort);
        string routes = (await c.ExecuteAsync("ROUTES", "GET")).AsString()!;
        int at = routes.IndexOf("\"master\": \"127.0.0.1:", StringComparison.Ordinal) + "\"master\": \"127.0.0.1:".Length;
        return int.Parse(routes[at..routes.IndexOf('"', at)]);
    }

    private static async Task<Process> StartNodeAsync(string bin, string engine, int port, string dir, int? masterPort)
    {
        string[] args = ["--port", port.ToString(), "--dir", dir, "--engine", engine, "--sync-replicas", "1", .. masterPort is { } m ? new[] { "--replicaof", $"127.0.0.1:{m}" } : []];
        var process = Start($"{bin}/node/istore-node", dir + ".log", args);
        await WaitForPortAsync(port);
        return process;
    }

    private static Process Start(string binary, string log, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec \"$0\" \"$@\" >>{log} 2>&1");
        info.ArgumentList.Add(binary);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (int i = 0; i < 300; i++)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"nothing listens on {port}");
    }

    private static long Percentile(List<long> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>8 SETs in flight through the proxy, reconnecting when the connection breaks; every acknowledged key kept.</summary>
    private sealed class Writer
    {
        private readonly int _port;
        private readonly List<(string Key, long At)> _acknowledged = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;
        private long _next;
        private long _lastMs = Environment.TickCount64;
        private long _gapMs;

        public Writer(int port)
        {
            _port = port;
            _run = Task.Run(RunAsync);
        }

        public long Errors;

        public int Acknowledged
        {
            get { lock (_acknowledged) return _acknowledged.Count; }
        }

        public long LongestGapMs => Interlocked.Read(ref _gapMs);

        public void ResetGap() => Interlocked.Exchange(ref _gapMs, 0);

        public async Task WaitForMoreAsync(int count)
        {
            int target = Acknowledged + count;
            while (Acknowledged < target)
                await Task.Delay(5);
        }

        public async Task<long> FirstAckAfterAsync(long since)
        {
            while (true)
            {
                lock (_acknowledged)
                    for (int i = _acknowledged.Count - 1; i >= 0 && _acknowledged[i].At > since; i--)
                        if (i == 0 || _acknowledged[i - 1].At <= since)
                            return _acknowledged[i].At;
                await Task.Delay(1);
            }
        }

        private async Task RunAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await using var c = await RespClient.ConnectAsync("127.0.0.1", _port);
                    await c.ExecuteAsync("AUTH", "t1", "p1");
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => LoopAsync(c)));
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    Interlocked.Increment(ref Errors);
                }
            }
        }

        private async Task LoopAsync(RespClient c)
        {
            while (!_stop.IsCancellationRequested)
            {
                string key = "k:" + Interlocked.Increment(ref _next);
                var reply = await c.ExecuteAsync("SET", key, key);
                if (reply.IsError)
                {
                    Interlocked.Increment(ref Errors);
                    await Task.Delay(2);
                    continue;
                }
                long now = Environment.TickCount64;
                lock (_acknowledged)
                    _acknowledged.Add((key, now));
                long gap = now - Interlocked.Exchange(ref _lastMs, now);
                if (gap > Interlocked.Read(ref _gapMs))
                    Interlocked.Exchange(ref _gapMs, gap);
            }
        }

        public async Task StopAsync()
        {
            _stop.Cancel();
            await _run;
        }

        public async Task<long> CountLostAsync()
        {
            await using var c = await RespClient.ConnectAsync("127.0.0.1", _port);
            await c.ExecuteAsync("AUTH", "t1", "p1");
            string[] keys;
            lock (_acknowledged)
                keys = _acknowledged.Select(a => a.Key).ToArray();
            long lost = 0;
            foreach (var chunk in keys.Chunk(500))
            {
                var values = await c.ExecuteAsync(["MGET", .. chunk], CancellationToken.None);
                lost += chunk.Where((k, i) => values[i].AsString() != k).Count();
            }
            return lost;
        }
    }
}
