using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// A maxmemory set with CONFIG SET is Redis's maxmemory on both engines, noeviction included:
/// over it, commands that may add data, scripts without allow-oom and MULTI blocks holding such
/// commands are refused with Redis's -OOM (byte for byte as redis-server answers), reads,
/// deletions and allow-oom or no-writes scripts still run, errorstats count the refusals, and
/// CONFIG SET maxmemory 0 lifts the limit. (Under the start-up --maxmemory the memory engine
/// spills instead: EvictionTests.)
/// </summary>
public abstract class ExplicitMaxMemoryTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    private static async Task<string?> ErrorStatAsync(RawConnection c, string code) =>
        InfoText.Fields((await c.ReadValueAfterAsync("INFO", "errorstats")).AsString()!).GetValueOrDefault("errorstat_" + code);

    [Fact]
    public async Task Noeviction_refuses_what_may_add_data_over_a_maxmemory_set_with_config_set()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        var (c, oracle) = (both.Node, both.Redis);
        foreach (var target in new[] { c, oracle })
        {
            await target.CommandAsync("SET", "om:kept", "v");
            await target.CommandAsync("DEL", "om:new");
            await target.CommandAsync("CONFIG", "RESETSTAT");
            Assert.Equal("+OK\r\n", await target.CommandAsync("CONFIG", "SET", "maxmemory", "1"));
        }
        try
        {
            await both.AgreeAllAsync(
                ["SET", "om:new", "v"], ["HSET", "om:hash", "f", "v"], ["GET", "om:kept"], ["EXISTS", "om:new"],
                ["EVAL", "redis.call('set', 'om:new', 'v')", "0"],
                ["EVAL", "local reply = redis.pcall('set', 'om:new', 'v') return reply['err']", "0"],
                ["EVAL", "return redis.call('get', 'om:kept')", "0"],
                ["EVAL", "#!lua\nreturn 1", "0"],
                ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'om:kept')", "0"],
                ["EVAL", "#!lua flags=allow-oom\nredis.call('set', 'om:new', 'oom allowed') return 1", "0"],
                ["GET", "om:new"],
                ["MULTI"], ["SET", "om:new", "w"], ["EXEC"],
                ["DEL", "om:kept", "om:new"]);
            Assert.Equal(await ErrorStatAsync(oracle, "OOM"), await ErrorStatAsync(c, "OOM"));
            Assert.Equal("count=6", await ErrorStatAsync(c, "OOM"));
        }
        finally
        {
            foreach (var target in new[] { c, oracle })
                await target.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        }
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "om:new", "v"));
        Assert.Equal("0", (await c.ReadValueAfterAsync("CONFIG", "GET", "maxmemory")).Items[1].AsString());
    }

    /// <summary>
    /// Redis's multi.tcl "EXEC with at least one use-memory command should fail" (the limit came after
    /// the commands were queued); over the limit, MULTI queues nothing (any command is refused,
    /// dooming the transaction) but EXEC of read-only commands and DISCARD still run.
    /// </summary>
    [Fact]
    public async Task Exec_is_refused_when_a_queued_command_may_add_data_over_maxmemory()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        await using var admin = await fixture.ConnectAsync();
        await using var oracleAdmin = await RawConnection.ConnectAsync(redis.Port);
        await both.AgreeAllAsync(["DEL", "ox:k"], ["MULTI"], ["SET", "ox:k", "1"], ["GET", "ox:k"]);
        try
        {
            foreach (var target in new[] { admin, oracleAdmin })
                Assert.Equal("+OK\r\n", await target.CommandAsync("CONFIG", "SET", "maxmemory", "1"));
            Assert.Equal("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n", await both.AgreeAsync("EXEC"));
            await both.AgreeAllAsync(["EXISTS", "ox:k"], ["MULTI"], ["GET", "ox:k"], ["EXEC"], ["MULTI"], ["PING"], ["DISCARD"]);
        }
        finally
        {
            foreach (var target in new[] { admin, oracleAdmin })
                await target.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        }
        // Read-only commands queued under the limit still run when it applies at EXEC.
        await both.AgreeAllAsync(["SET", "ox:k", "1"], ["MULTI"], ["GET", "ox:k"], ["BITFIELD_RO", "ox:k", "GET", "u8", "0"]);
        try
        {
            foreach (var target in new[] { admin, oracleAdmin })
                Assert.Equal("+OK\r\n", await target.CommandAsync("CONFIG", "SET", "maxmemory", "1"));
            await both.AgreeAllAsync(["EXEC"], ["DEL", "ox:k"]);
        }
        finally
        {
            foreach (var target in new[] { admin, oracleAdmin })
                await target.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        }
    }

    [Fact]
    public async Task Function_load_and_restore_are_refused_over_maxmemory_other_function_commands_run()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        const string Library = "#!lua name=omlib\nredis.register_function('omf', function() return 1 end)";
        await both.AgreeAllAsync(["FUNCTION", "FLUSH"], ["FUNCTION", "LOAD", Library]);
        string payload = System.Text.Encoding.Latin1.GetString((await both.Node.ReadValueAfterAsync("FUNCTION", "DUMP")).AsBytes()!);
        foreach (var target in new[] { both.Node, both.Redis })
            Assert.Equal("+OK\r\n", await target.CommandAsync("CONFIG", "SET", "maxmemory", "1"));
        try
        {
            await both.AgreeAllAsync(
                ["FUNCTION", "LOAD", "REPLACE", Library], ["FUNCTION", "RESTORE", payload, "REPLACE"], ["FCALL", "omf", "0"],
                ["FUNCTION", "LIST"], ["FUNCTION", "DELETE", "omlib"], ["FUNCTION", "LOAD", Library], ["FUNCTION", "RESTORE", payload]);
        }
        finally
        {
            foreach (var target in new[] { both.Node, both.Redis })
                await target.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        }
        await both.AgreeAllAsync(["FUNCTION", "RESTORE", payload], ["FCALL", "omf", "0"], ["FUNCTION", "FLUSH"]);
    }
}
