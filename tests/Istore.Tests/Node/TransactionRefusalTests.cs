using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// EXEC is refused as the commands it would run would be, and a refused EXEC ends the transaction
/// with Redis's EXECABORT (rejectCommand): NOREPLICAS for queued writes, MASTERDOWN on a stale
/// replica, -BUSY while a script runs (MULTI itself still runs then, its commands doom it).
/// REPLICAOF is allowed inside MULTI, as in Redis.
/// </summary>
public abstract class TransactionRefusalTests(NodeFixture fixture)
{
    private const string Ok = "+OK\r\n";
    private const string Queued = "+QUEUED\r\n";

    [Fact]
    public async Task Exec_of_queued_writes_is_refused_when_replicas_went_missing_after_queueing()
    {
        await using var c = await fixture.ConnectAsync();
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "txr:n", "1"));
        Assert.Equal(Ok, await c.CommandAsync("MULTI"));
        Assert.Equal(Queued, await c.CommandAsync("INCR", "txr:n"));
        Assert.Equal(Ok, await admin.CommandAsync("CONFIG", "SET", "min-replicas-to-write", "2"));
        try
        {
            Assert.Equal("-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n", await c.CommandAsync("EXEC"));
            Assert.Equal("-ERR EXEC without MULTI\r\n", await c.CommandAsync("EXEC"));
            // A read-only transaction is not a write.
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));
            Assert.Equal(Queued, await c.CommandAsync("GET", "txr:n"));
            Assert.Equal("*1\r\n$1\r\n1\r\n", await c.CommandAsync("EXEC"));
        }
        finally
        {
            Assert.Equal(Ok, await admin.CommandAsync("CONFIG", "SET", "min-replicas-to-write", "0"));
        }
    }

    [Fact]
    public async Task A_stale_replica_refuses_what_is_not_stale_safe_with_serve_stale_data_off()
    {
        await using var c = await fixture.ConnectAsync();
        await using var admin = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "txr:stale", "v"));
        Assert.Equal(Ok, await admin.CommandAsync("CONFIG", "SET", "replica-serve-stale-data", "no"));
        try
        {
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));
            Assert.Equal(Queued, await c.CommandAsync("GET", "txr:stale"));
            Assert.Equal(Ok, await admin.CommandAsync("REPLICAOF", "127.0.0.1", "0"));   // port 0: accepted, as Redis, and never reached
            const string MasterDown = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
            Assert.Equal($"-EXECABORT Transaction discarded because of: {MasterDown}\r\n", await c.CommandAsync("EXEC"));
            Assert.Equal($"-{MasterDown}\r\n", await c.CommandAsync("GET", "txr:stale"));
            Assert.Equal($"-{MasterDown}\r\n", await c.CommandAsync("PING"));
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));   // stale-safe
            Assert.Equal(Ok, await c.CommandAsync("DISCARD"));
            Assert.StartsWith("$", await c.CommandAsync("INFO", "replication"));
        }
        finally
        {
            Assert.Equal(Ok, await admin.CommandAsync("REPLICAOF", "NO", "ONE"));
            Assert.Equal(Ok, await admin.CommandAsync("CONFIG", "SET", "replica-serve-stale-data", "yes"));
        }
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "txr:stale"));
    }

    [Fact]
    public async Task Replicaof_inside_multi_takes_effect_when_exec_ends()
    {
        await using var c = await fixture.ConnectAsync();
        try
        {
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));
            Assert.Equal(Queued, await c.CommandAsync("SET", "txr:before", "1"));
            Assert.Equal(Queued, await c.CommandAsync("REPLICAOF", "127.0.0.1", "1"));
            Assert.Equal(Queued, await c.CommandAsync("SET", "txr:after", "1"));
            Assert.Equal("*3\r\n+OK\r\n+OK\r\n+OK\r\n", await c.CommandAsync("EXEC"));
            Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await c.CommandAsync("SET", "txr:later", "1"));
        }
        finally
        {
            Assert.Equal(Ok, await c.CommandAsync("REPLICAOF", "NO", "ONE"));
        }
        Assert.Equal(":2\r\n", await c.CommandAsync("EXISTS", "txr:before", "txr:after"));
    }

    [Fact]
    public async Task While_a_script_is_busy_multi_runs_and_the_busy_replies_doom_the_transaction()
    {
        await using var script = await fixture.ConnectAsync();
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Ok, await c.CommandAsync("SET", "txr:busy", "1"));
        Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "busy-reply-threshold", "10"));
        try
        {
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));
            Assert.Equal(Queued, await c.CommandAsync("INCR", "txr:busy"));
            await script.SendCommandAsync("EVAL", "while true do end", "0");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string reply;
            do
            {
                await using var probe = await fixture.ConnectAsync();
                reply = await probe.CommandAsync("GET", "txr:busy");
            }
            while (!reply.StartsWith("-BUSY") && DateTime.UtcNow < deadline);
            Assert.StartsWith("-BUSY", reply);

            Assert.StartsWith("-BUSY", await c.CommandAsync("INCR", "txr:busy"));
            Assert.StartsWith("-EXECABORT Transaction discarded because of: BUSY", await c.CommandAsync("EXEC"));
            Assert.Equal(Ok, await c.CommandAsync("MULTI"));
            Assert.StartsWith("-BUSY", await c.CommandAsync("GET", "txr:busy"));
            Assert.Equal(Ok, await c.CommandAsync("DISCARD"));
            Assert.Equal(Ok, await c.CommandAsync("SCRIPT", "KILL"));
            Assert.StartsWith("-ERR", await script.ReadFrameAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Assert.Equal(Ok, await c.CommandAsync("CONFIG", "SET", "busy-reply-threshold", "5000"));
        }
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("GET", "txr:busy"));
    }
}
