using Istore.Net.Routes;

namespace Istore.Ha.Probing;

/// <summary>One-off commands the admin operations send to nodes (each on a connection of its own, bounded by <see cref="ActionTimeoutMs"/>).</summary>
internal static class NodeActions
{
    /// <summary>
    /// An action is not a probe: a node HA has just started (its first commands compiled by the JIT)
    /// may take longer than a probe's timeout to answer on a busy host, and is not down for it.
    /// </summary>
    public static int ActionTimeoutMs(Prober prober) => Math.Max(prober.TimeoutMs, 5_000);

    /// <summary>
    /// How long the decision loop waits for <paramref name="node"/>: the action timeout while it has never answered
    /// a probe (just started), a probe's once it has, as silence then means frozen or gone and failover must not wait.
    /// </summary>
    public static int LoopTimeoutMs(Prober prober, string node) => HasAnswered(prober, node) ? prober.TimeoutMs : ActionTimeoutMs(prober);

    private static bool HasAnswered(Prober prober, string node) => Endpoint.TryParse(node, out var endpoint) && prober.Status(endpoint).LastOkMs > 0;

    /// <summary>Makes <paramref name="replica"/> follow <paramref name="master"/> and waits (up to 10 s) until its link is up (the full sync is done).</summary>
    public static async Task FollowAsync(Prober prober, string replica, string master)
    {
        Endpoint.TryParse(master, out var m);
        Endpoint.TryParse(replica, out var node);
        using var connection = prober.Connect(node);
        await connection.ExpectAsync(ActionTimeoutMs(prober), "REPLICAOF", m.Host, m.Port.ToString()).ConfigureAwait(false);
        for (long deadline = Environment.TickCount64 + 10_000; ;)
        {
            if ((await InfoAsync(connection, prober, "replication").ConfigureAwait(false)).GetValueOrDefault("master_link_status") == "up")
                return;
            if (Environment.TickCount64 > deadline)
                throw new IOException($"{replica} did not sync with {master} within 10 s");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until <paramref name="replica"/> follows <paramref name="master"/> with its link up and has applied all the master had written when asked.</summary>
    public static async Task CaughtUpAsync(Prober prober, string replica, string master, int timeoutMs)
    {
        Endpoint.TryParse(master, out var m);
        Endpoint.TryParse(replica, out var r);
        long deadline = Environment.TickCount64 + timeoutMs;
        long target = -1;
        while (true)
        {
            try
            {
                using var masterConnection = prober.Connect(m);
                using var replicaConnection = prober.Connect(r);
                if (target < 0)
                    target = long.Parse((await InfoAsync(masterConnection, prober, "replication").ConfigureAwait(false)).GetValueOrDefault("master_repl_offset", "0"));
                var info = await InfoAsync(replicaConnection, prober, "replication").ConfigureAwait(false);
                if (info.GetValueOrDefault("master_link_status") == "up" && info.GetValueOrDefault("master_host") + ":" + info.GetValueOrDefault("master_port") == master
                    && long.Parse(info.GetValueOrDefault("slave_repl_offset", "-1")) >= target)
                    return;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                // restarting, or loading: ask again
            }
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException($"{replica} did not catch up with {master} within {timeoutMs / 1000} s");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>The node's engine (memory or disk), from INFO server.</summary>
    public static async Task<string> EngineOfAsync(Prober prober, string address)
    {
        Endpoint.TryParse(address, out var node);
        using var connection = prober.Connect(node);
        return (await InfoAsync(connection, prober, "server").ConfigureAwait(false)).GetValueOrDefault("istore_engine", "memory");
    }

    /// <summary>A disk node may count its keys before it answers DBSIZE (seconds for millions of keys): longer than a probe may wait.</summary>
    private const int DbSizeTimeoutMs = 120_000;

    public static async Task<long> DbSizeAsync(Prober prober, string address)
    {
        Endpoint.TryParse(address, out var node);
        using var connection = prober.Connect(node);
        return (await connection.ExpectAsync(Math.Max(prober.TimeoutMs, DbSizeTimeoutMs), "DBSIZE").ConfigureAwait(false)).AsInteger();
    }

    /// <summary>Sends a command to a node that may be down: null when it took it, else "address (why)".</summary>
    public static Task<string?> TryAsync(Prober prober, string address, params string[] command) =>
        TryAsync(prober, address, ActionTimeoutMs(prober), command);

    /// <summary>The same, waiting at most <paramref name="timeoutMs"/>.</summary>
    public static async Task<string?> TryAsync(Prober prober, string address, int timeoutMs, params string[] command)
    {
        Endpoint.TryParse(address, out var node);
        try
        {
            using var connection = prober.Connect(node);
            await connection.ExpectAsync(timeoutMs, command).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            return $"{address} ({ex.Message})";
        }
    }

    private static async Task<Dictionary<string, string>> InfoAsync(ProbeConnection connection, Prober prober, string section) =>
        InfoFields.Parse((await connection.ExpectAsync(ActionTimeoutMs(prober), "INFO", section).ConfigureAwait(false)).AsString() ?? "");
}
