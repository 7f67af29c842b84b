using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// Client memory as Redis counts it (CLIENT LIST's qbuf and tot-mem, INFO's mem_clients_normal,
/// inside used_memory) and maxmemory-clients: the client holding most memory is closed, a
/// CLIENT NO-EVICT one never is; CONFIG SET answers as redis-server does. Both engines.
/// </summary>
public sealed class ClientEvictionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static Task<NodeProcess> StartAsync(string engine) => NodeProcess.StartAsync(["--engine", engine]);

    [Fact]
    public async Task Config_set_maxmemory_clients_answers_as_redis_server_does()
    {
        await using var node = await StartAsync("memory");
        await using var ours = await node.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        try
        {
            foreach (var value in new[] { "garbage", "-1", "-5%", "101%", "7%", "007%", "100%", "0%", "1k", "3mb", "1.5mb", "", "0" })
            {
                Assert.Equal(await theirs.CommandAsync("CONFIG", "SET", "maxmemory-clients", value),
                    await ours.CommandAsync("CONFIG", "SET", "maxmemory-clients", value));
                Assert.Equal(await theirs.CommandAsync("CONFIG", "GET", "maxmemory-clients"),
                    await ours.CommandAsync("CONFIG", "GET", "maxmemory-clients"));
            }
        }
        finally
        {
            await theirs.CommandAsync("CONFIG", "SET", "maxmemory-clients", "0");
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_client_with_a_huge_unread_output_buffer_is_evicted_and_a_no_evict_one_is_not(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("SET", "big", new string('b', 1 << 20)));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "maxmemory-clients", "4mb"));
        await using var kept = await NamedClientAsync(node, "kept");
        Assert.Equal("+OK\r\n", await kept.CommandAsync("CLIENT", "NO-EVICT", "on"));
        await using var hog = await NamedClientAsync(node, "hog");

        // 24 MB of replies each, unread: far more than the kernel's socket buffers hold.
        const int Gets = 24;
        foreach (var client in new[] { kept, hog })
            for (int i = 0; i < Gets; i++)
                await client.SendCommandAsync("GET", "big");

        await WaitForAsync(async () => !(await ClientListAsync(admin)).Contains("name=hog "), "the hog was not evicted");
        var stats = InfoText.Fields((await admin.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("1", stats["evicted_clients"]);
        Assert.Contains("name=kept ", await ClientListAsync(admin));
        Assert.Contains("Evicting client: ", node.Output);
        for (int i = 0; i < Gets; i++)   // the no-evict client lost nothing
            Assert.Equal(1 << 20, (await kept.ReadValueAsync(TimeSpan.FromSeconds(30))).AsString()!.Length);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (int i = 0; i < Gets; i++)
                await hog.ReadFrameAsync(TimeSpan.FromSeconds(10));
        });
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_big_query_buffer_counts_in_mem_clients_normal_and_used_memory_and_its_room_is_given_back_when_idle(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "maxmemory", "1gb"));   // the disk engine measures its dataset from here
        var before = await MemoryAsync(admin);
        await using var sender = await NamedClientAsync(node, "sender");
        const int Argument = 600_000;   // under 1 MB: only the idle sweep gives its buffer back
        const int Received = Argument / 2;
        await sender.SendAsync($"*2\r\n$4\r\nECHO\r\n${Argument}\r\n");
        await sender.SendAsync(new byte[Received]);

        await WaitForAsync(async () => ClientField(await ClientListAsync(admin), "sender", "qbuf") == Received, "qbuf never showed the argument's received half");
        string list = await ClientListAsync(admin);
        // The whole announced argument, headers included, as Redis counts the query buffer it allocates for it at its header.
        Assert.InRange(ClientField(list, "sender", "tot-mem"), Argument, Argument + 64);
        // The receive buffer is sized for the announced argument, not doubled past it.
        Assert.InRange(ClientField(list, "sender", "qbuf") + ClientField(list, "sender", "qbuf-free"), Argument, Argument + 64);
        var during = await MemoryAsync(admin);
        Assert.InRange(during.Clients - before.Clients, Argument, Argument + 64 * 1024);
        Assert.InRange(during.Used - before.Used, Argument, Argument + 1024 * 1024);

        await sender.SendAsync(Encoding.ASCII.GetBytes(new string('x', Argument - Received) + "\r\n"));
        Assert.Equal(Argument, (await sender.ReadValueAsync()).AsString()!.Length);
        Assert.InRange((await MemoryAsync(admin)).Clients, 0, before.Clients + 1024);
        // Idle for two seconds, the client gives its grown buffers back.
        await WaitForAsync(async () => ClientField(await ClientListAsync(admin), "sender", "qbuf-free") <= 16 * 1024
            && ClientField(await ClientListAsync(admin), "sender", "rbs") <= 16 * 1024, "the idle client kept its big buffers", seconds: 15);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task A_query_buffer_or_a_transaction_over_maxmemory_clients_gets_its_client_evicted(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "maxmemory-clients", "1mb"));

        await using var partial = await NamedClientAsync(node, "partial");
        await partial.SendAsync($"*1\r\n${2 << 20}\r\n");
        try
        {
            await partial.SendAsync(new byte[1536 * 1024]);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // closed while the rest was still on its way: what the read below checks
        }
        var closed = await Assert.ThrowsAnyAsync<Exception>(() => partial.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        Assert.IsNotType<TimeoutException>(closed);

        await using var queuer = await NamedClientAsync(node, "queuer");
        Assert.Equal("+OK\r\n", await queuer.CommandAsync("MULTI"));
        var value = new string('v', 200 * 1024);
        int queued = 0;
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (queued < 100 && await queuer.CommandAsync("SET", "k", value) == "+QUEUED\r\n")
                queued++;
        });
        Assert.InRange(queued, 2, 6);   // about 1 MB of queued arguments
        var stats = InfoText.Fields((await admin.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("2", stats["evicted_clients"]);
        string list = await ClientListAsync(admin);
        Assert.DoesNotContain("name=partial ", list);
        Assert.DoesNotContain("name=queuer ", list);
        Assert.Equal("0", (await admin.ReadValueAfterAsync("EXISTS", "k")).AsInteger().ToString());
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("disk")]
    public async Task Lowering_maxmemory_clients_evicts_the_largest_clients_first_and_only_until_under_it(string engine)
    {
        await using var node = await StartAsync(engine);
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CLIENT", "NO-EVICT", "on"));
        var clients = new List<RawConnection>();
        try
        {
            int[] sizes = [100_000, 100_000, 400_000, 400_000, 1_600_000, 1_600_000];
            for (int i = 0; i < sizes.Length; i++)
            {
                var client = await NamedClientAsync(node, "c" + i);
                clients.Add(client);
                await client.SendAsync($"*2\r\n${sizes[i]}\r\n");
                await client.SendAsync(new byte[sizes[i]]);
                int wanted = sizes[i];
                string name = "c" + i;
                await WaitForAsync(async () => ClientField(await ClientListAsync(admin), name, "qbuf") == wanted, "qbuf not filled");
            }
            long total = (await MemoryAsync(admin)).Clients;
            long largest = ClientField(await ClientListAsync(admin), "c5", "tot-mem");
            // Room for all but the two largest: exactly those two go.
            Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "maxmemory-clients", (total - largest - largest / 2).ToString()));
            string list = await ClientListAsync(admin);
            Assert.DoesNotContain("name=c5 ", list);
            Assert.DoesNotContain("name=c4 ", list);
            for (int i = 0; i < 4; i++)
                Assert.Contains($"name=c{i} ", list);
            Assert.Equal("2", InfoText.Fields((await admin.ReadValueAfterAsync("INFO", "stats")).AsString()!)["evicted_clients"]);
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    private static async Task<RawConnection> NamedClientAsync(NodeProcess node, string name)
    {
        var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CommandAsync("CLIENT", "SETNAME", name));
        return client;
    }

    private static async Task<string> ClientListAsync(RawConnection c) => (await c.ReadValueAfterAsync("CLIENT", "LIST")).AsString()!;

    /// <summary>A numeric CLIENT LIST field of the client named <paramref name="name"/> (-1 when it is not listed).</summary>
    private static long ClientField(string list, string name, string field)
    {
        var line = list.Split('\n').FirstOrDefault(l => l.Contains($" name={name} "));
        if (line is null)
            return -1;
        var pair = line.Split(' ').First(p => p.StartsWith(field + "=", StringComparison.Ordinal));
        return long.Parse(pair[(field.Length + 1)..]);
    }

    private static async Task<(long Used, long Clients)> MemoryAsync(RawConnection c)
    {
        var memory = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!);
        return (long.Parse(memory["used_memory"]), long.Parse(memory["mem_clients_normal"]));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string failure, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
