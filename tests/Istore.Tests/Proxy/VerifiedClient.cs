using Istore.Tests.Infrastructure;

namespace Istore.Tests.Proxy;

/// <summary>
/// A client whose every reply is known in advance: it pipelines SET/GET of values unique to it,
/// INCR of its own counter, MGET across shards, CLIENT ID (and CLIENT GETNAME when named), and
/// checks each reply byte for byte and in order. Some clients speak RESP3, some have names.
/// </summary>
internal sealed class VerifiedClient
{
    private readonly RawConnection _connection;
    private readonly string _prefix;
    private readonly int _protocol;
    private readonly string? _name;
    private int _batch;

    private VerifiedClient(RawConnection connection, string prefix, int protocol, string? name)
    {
        _connection = connection;
        _prefix = prefix;
        _protocol = protocol;
        _name = name;
    }

    /// <summary>The counter's value: how many INCRs this client had answered.</summary>
    public long Increments { get; private set; }

    public long Id { get; private set; }

    public string Counter => $"{_prefix}:counter";

    /// <summary>Client <paramref name="index"/> of the proxy at <paramref name="port"/>, as <paramref name="tenant"/>: RESP3 for every third, a name for every second.</summary>
    public static async Task<VerifiedClient> ConnectAsync(int port, (string Name, string Password) tenant, string prefix, int index)
    {
        var connection = await RawConnection.ConnectAsync(port);
        int protocol = index % 3 == 0 ? 3 : 2;
        string? name = index % 2 == 0 ? $"client-{prefix}" : null;
        var client = new VerifiedClient(connection, prefix, protocol, name);
        var hello = await connection.ReadValueAfterAsync(["HELLO", protocol.ToString(), "AUTH", tenant.Name, tenant.Password, .. name is null ? Array.Empty<string>() : ["SETNAME", name]]);
        if (hello.IsError)
            throw new InvalidOperationException("HELLO failed: " + hello.AsString());
        client.Id = long.Parse((await connection.CommandAsync("CLIENT", "ID"))[1..^2]);
        return client;
    }

    /// <summary>Batches, at least three, until <paramref name="stop"/> is cancelled.</summary>
    public Task RunUntilAsync(CancellationToken stop) => Task.Run(async () =>
    {
        for (int batches = 0; !stop.IsCancellationRequested || batches < 3; batches++)
            await RunBatchAsync();
    });

    /// <summary>One pipelined batch; throws on the first reply that is not the expected one.</summary>
    public async Task RunBatchAsync()
    {
        int n = _batch++;
        var commands = new List<string[]>();
        var expected = new List<string>();
        string key = $"{_prefix}:{n}", value = $"value:{_prefix}:{n}";
        Add(["SET", key, value], "+OK\r\n");
        Add(["GET", key], Bulk(value));
        Add(["INCR", Counter], $":{Increments + 1}\r\n");
        string previous = n == 0 ? Null : Bulk($"value:{_prefix}:{n - 1}");
        Add(["MGET", key, $"{_prefix}:{n - 1}", $"{_prefix}:missing"], $"*3\r\n{Bulk(value)}{previous}{Null}");
        Add(["CLIENT", "ID"], $":{Id}\r\n");
        if (_name is not null)
            Add(["CLIENT", "GETNAME"], Bulk(_name));
        await _connection.SendAsync(string.Concat(commands.Select(c => RespEncoding.CommandText(System.Text.Encoding.UTF8, c))));
        for (int i = 0; i < expected.Count; i++)
        {
            string reply = await _connection.ReadFrameAsync(TimeSpan.FromSeconds(20));
            if (reply != expected[i])
                throw new InvalidOperationException($"{_prefix} batch {n}: {string.Join(' ', commands[i])} got {reply.TrimEnd()} instead of {expected[i].TrimEnd()}");
        }
        Increments++;

        void Add(string[] command, string reply)
        {
            commands.Add(command);
            expected.Add(reply);
        }
    }

    /// <summary>How far the counter, read on <paramref name="check"/>, is from the increments this client saw answered (0: exact).</summary>
    public async Task<long> CounterErrorAsync(RawConnection check)
    {
        string reply = await check.CommandAsync("GET", Counter);
        long held = reply.StartsWith('$') && reply != "$-1\r\n" ? long.Parse(reply[(reply.IndexOf('\n') + 1)..^2]) : 0;
        return Math.Abs(Increments - held);
    }

    private string Null => _protocol == 3 ? "_\r\n" : "$-1\r\n";

    private static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
