using System.Text;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;
using Istore.Tests.Replication;

namespace Istore.Tests.Node;

/// <summary>
/// client-output-buffer-limit: CONFIG as redis-server answers it, a subscriber that stops reading
/// closed at its class's hard or soft limit (others untouched), and a stopped replica dropped when
/// it falls past the replica class's limit, then continuing with nothing lost.
/// </summary>
public sealed class OutputBufferLimitTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Config_set_and_get_answer_as_redis_server_does()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var ours = await node.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        string[] values = ["pubsub 1mb 512kb 10", "pubsub 1mb", "bogus 1 1 1", "pubsub x 1 1", "pubsub 1 1 -1", "master 1 1 1",
            "replica 1k 2kb 3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", ""];
        foreach (var value in values)
        {
            Assert.Equal(await theirs.CommandAsync("CONFIG", "SET", "client-output-buffer-limit", value),
                await ours.CommandAsync("CONFIG", "SET", "client-output-buffer-limit", value));
            Assert.Equal(await theirs.CommandAsync("CONFIG", "GET", "client-output-buffer-limit"),
                await ours.CommandAsync("CONFIG", "GET", "client-output-buffer-limit"));
        }
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_closed_at_the_hard_limit_and_nobody_else_is()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var admin = await node.ConnectAsync();
        // 8 MB: the reader, whose task a busy machine may leave unscheduled for a while, must not be
        // closed for falling a few messages behind; the stuck one passes it long before the end.
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 8mb 0 0"));
        await using var stuck = await node.ConnectAsync();
        await using var reader = await node.ConnectAsync();
        foreach (var subscriber in new[] { stuck, reader })
        {
            await subscriber.SendCommandAsync("SUBSCRIBE", "news");
            await subscriber.ReadFrameAsync();
        }
        // A normal client with a large unread reply: the normal class has no limit by default.
        await using var normal = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("SET", "big", new string('b', 4 << 20)));
        for (int i = 0; i < 8; i++)
            await normal.SendCommandAsync("GET", "big");

        // 48 MB of messages: far past what the kernel's socket buffers can hold for the subscriber that does not read.
        var message = new string('m', 256 * 1024);
        var readAll = Task.Run(async () =>
        {
            for (int i = 0; i < 192; i++)
                Assert.Equal(message, (await reader.ReadValueAsync(TimeSpan.FromSeconds(20))).Items![2].AsString());
        });
        var receivers = new List<string>();
        for (int i = 0; i < 192; i++)
            receivers.Add(await admin.CommandAsync("PUBLISH", "news", message));
        await readAll;
        // Both subscribers got the first messages; once the stuck one was closed, only the reader.
        Assert.Equal(":2\r\n", receivers[0]);
        Assert.Equal(":1\r\n", receivers[^1]);
        Assert.Equal(receivers.OrderByDescending(r => r).ToList(), receivers);

        var stats = InfoText.Fields((await admin.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("1", stats["client_output_buffer_limit_disconnections"]);
        string clients = (await admin.ReadValueAfterAsync("CLIENT", "LIST")).AsString()!;
        Assert.Equal(3, clients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // admin, reader, normal
        for (int i = 0; i < 8; i++)
            Assert.Equal(4 << 20, (await normal.ReadValueAsync(TimeSpan.FromSeconds(20))).AsString()!.Length);
        Assert.Contains("closed for overcoming of output buffer limits", node.Output);
    }

    [Fact]
    public async Task A_subscriber_past_the_soft_limit_for_longer_than_its_seconds_is_closed()
    {
        await using var node = await NodeProcess.StartAsync();
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await admin.CommandAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 1mb 1"));
        await using var stuck = await node.ConnectAsync();
        await stuck.SendCommandAsync("SUBSCRIBE", "news");
        await stuck.ReadFrameAsync();
        var message = new string('m', 256 * 1024);
        var started = DateTime.UtcNow;
        string receivers = "";
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(15) && (receivers = await admin.CommandAsync("PUBLISH", "news", message)) == ":1\r\n")
            await Task.Delay(20);   // ~12 MB/s: past the soft limit soon, and staying past it
        Assert.Equal(":0\r\n", receivers);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1, 15);   // not at the first crossing: after its second
        var stats = InfoText.Fields((await admin.ReadValueAfterAsync("INFO", "stats")).AsString()!);
        Assert.Equal("1", stats["client_output_buffer_limit_disconnections"]);
    }

    [Fact]
    public async Task A_stopped_replica_past_the_replica_limit_is_dropped_and_continues_after_SIGCONT_with_nothing_lost()
    {
        await using var group = await ReplicationGroup.StartAsync("memory", replicas: 1, masterArgs: ["--repl-timeout", "60"]);
        await group.WaitInSyncAsync();
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 0 0"));
        var value = new string('v', 256 * 1024);
        int acknowledged = 0;
        ProxyProcess.SendSignal(group.Replicas[0].Pid, "STOP");
        try
        {
            await using var writer = await group.Master.ConnectAsync();
            for (int i = 0; i < 64; i++)   // 16 MB: past the limit once the kernel's buffers to the stopped replica are full
                if (await writer.CommandAsync("SET", "k" + i, value) == "+OK\r\n")
                    acknowledged++;
            await ReplicationGroup.WaitForInfoAsync(group.Master, i => i["connected_slaves"] == "0", timeout: TimeSpan.FromSeconds(15));
        }
        finally
        {
            ProxyProcess.SendSignal(group.Replicas[0].Pid, "CONT");
        }
        Assert.Equal("1", (await ReplicationGroup.InfoAsync(group.Master, "stats"))["client_output_buffer_limit_disconnections"]);
        await group.WaitInSyncAsync(TimeSpan.FromSeconds(30));
        await group.AssertDigestsEqualAsync();
        int present = 0;
        await using var replica = await group.Replicas[0].ConnectAsync();
        for (int i = 0; i < 64; i++)
            if ((await replica.ReadValueAfterAsync("STRLEN", "k" + i)).AsInteger() == value.Length)
                present++;
        Assert.Equal(64, acknowledged);
        Assert.Equal(0, acknowledged - present);   // acknowledged writes lost on the replica
    }
}
