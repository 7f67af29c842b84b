using System.Text.RegularExpressions;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// How script errors reach the client and the statistics, byte for byte as redis-server: a failing
/// redis.call names the script and line even as a tail call (return redis.call(...)), in EVAL and
/// in functions; a call refused inside a script is that command's rejected call and is counted in
/// errorstats once, a failing one once as that command's failure, and the script's error reply
/// only fails the script; a blocked XREADGROUP answered with -NOGROUP is a failed call and an
/// error reply. And SCRIPT FLUSH gives back the interpreter's memory after deep replies and many
/// scripts and libraries, as Redis's new interpreter does.
/// </summary>
public abstract class ScriptErrorReportingTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    private static string[] Eval(string script, params string[] keysThenArgs) => ["EVAL", script, .. keysThenArgs];

    [Fact]
    public async Task A_failing_redis_call_names_the_script_line_as_redis_does_even_as_a_tail_call()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        const string Library = "#!lua name=sertail\nredis.register_function('sertail', function(keys, args)\n  return redis.call('select', 99)\nend)";
        await both.AgreeAllAsync(
            Eval("return redis.call('select', 99)", "0"),
            Eval("local x = 1\nreturn redis.call('select', 99)", "0"),
            Eval("redis.call('select', 99)", "0"),
            Eval("return redis.call('nosuch')", "0"),
            Eval("return redis.call('cluster', 'reset')", "0"),
            Eval("local function get(n) if n == 0 then return redis.call('get', 'ser:x') end return get(n - 1) end return get(50)", "0"),
            Eval("return redis.pcall('select', 99)", "0"),
            ["FUNCTION", "LOAD", "REPLACE", Library], ["FCALL", "sertail", "0"], ["FUNCTION", "DELETE", "sertail"]);
    }

    [Fact]
    public async Task A_library_body_sees_only_its_registration_api_and_list_takes_each_option_once()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        await both.AgreeAllAsync(
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=serload\nreturn math.random()"],
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=serload\nreturn redis.setresp(3)"],
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=serload\nreturn redis.call('ping')"],
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=serload\nlocal level = redis.LOG_WARNING\n"
                + "redis.register_function('serload', function() return string.len('abc') + math.floor(1.5) + level end)"],
            ["FCALL", "serload", "0"], Eval("return math.floor(2.5)", "0"),
            ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"], ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x", "LIBRARYNAME", "x"],
            ["FUNCTION", "LIST", "LIBRARYNAME"], ["FUNCTION", "DELETE", "serload"],
            ["FUNCTION", "LOAD", "#!lua NAME=\"serquoted\"\nredis.register_function('serquoted', function() return 1 end)"],
            ["FUNCTION", "LOAD", "#!lua name=\"ser quoted\nredis.register_function('serquoted', function() return 1 end)"],
            ["FUNCTION", "DELETE", "serquoted"]);
    }

    /// <summary>errorstats, total_error_replies and the calls/rejected/failed counts of the commands named.</summary>
    private static async Task<string> StatsAsync(RawConnection c, params string[] commands)
    {
        var errors = (await c.ReadValueAfterAsync("INFO", "errorstats")).AsString()!.Split("\r\n").Where(line => line.StartsWith("errorstat_")).Order();
        var stats = InfoText.Fields((await c.ReadValueAfterAsync("INFO", "everything")).AsString()!);
        var calls = commands.Select(name => name + ": " + (stats.TryGetValue("cmdstat_" + name, out var line)
            ? Regex.Replace(line, @"usec=\d+,usec_per_call=[\d.]+,", "") : "none"));
        return string.Join("\n", [.. errors, "total_error_replies=" + stats["total_error_replies"], .. calls]);
    }

    [Fact]
    public async Task A_failed_or_refused_call_is_counted_once_as_redis_counts_it()
    {
        await using var both = await ReplyOracle.ConnectAsync(fixture, redis);
        var (c, oracle) = (both.Node, both.Redis);
        foreach (var target in new[] { c, oracle })
            Assert.Equal("+OK\r\n", await target.CommandAsync("CONFIG", "RESETSTAT"));
        await both.AgreeAllAsync(
            Eval("return redis.call('select', 99)", "0"),
            Eval("local t = redis.pcall('select', 99) return 1", "0"),
            Eval("return redis.pcall('nosuch')", "0"),
            Eval("return redis.error_reply('MY custom')", "0"),
            ["EVAL_RO", "return redis.call('set', 'ser:k', 'v')", "1", "ser:k"],
            ["EVAL_RO", "local t = redis.pcall('set', 'ser:k', 'v') return t['err']", "1", "ser:k"]);
        Assert.Equal(await StatsAsync(oracle, "eval", "eval_ro", "select", "set"), await StatsAsync(c, "eval", "eval_ro", "select", "set"));
    }

    [Fact]
    public async Task A_blocked_xreadgroup_answered_with_nogroup_is_a_failed_call_and_an_error_reply()
    {
        await using var c = await fixture.ConnectAsync();
        await using var blocked = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("XGROUP", "CREATE", "ser:stream", "g", "$", "MKSTREAM"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "RESETSTAT"));
        await blocked.SendCommandAsync("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "ser:stream", ">");
        await c.WaitForBlockedClientsAsync(1);
        Assert.Equal(":1\r\n", await c.CommandAsync("XGROUP", "DESTROY", "ser:stream", "g"));
        Assert.StartsWith("-NOGROUP", await blocked.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        var stats = await StatsAsync(c, "xreadgroup");
        Assert.Contains("errorstat_NOGROUP:count=1", stats);
        Assert.Contains("total_error_replies=1", stats);
        Assert.Contains("xreadgroup: calls=1,rejected_calls=0,failed_calls=1", stats);
    }

    private static async Task<long> LuaMemoryAsync(RawConnection c)
    {
        Assert.Equal("+OK\r\n", await c.CommandAsync("SCRIPT", "FLUSH"));
        return long.Parse(InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!)["used_memory_lua"]);
    }

    [Fact]
    public async Task Script_flush_gives_back_the_memory_of_deep_replies_and_many_scripts_and_libraries()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("EVAL", "return 1", "0");
        long fresh = await LuaMemoryAsync(c);
        Assert.Equal("-ERR reached lua stack limit\r\n", (await c.CommandAsync("EVAL", "local a = {} a[1] = a return a", "0")).Split("*1\r\n")[^1]);
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal($":{i}\r\n", await c.CommandAsync("EVAL", $"return {i}", "0"));
            string library = $"serlib{i}";
            Assert.Equal($"${library.Length}\r\n{library}\r\n",
                await c.CommandAsync("FUNCTION", "LOAD", $"#!lua name={library}\nredis.register_function('serf{i}', function() return {i} end)"));
        }
        Assert.Equal("+OK\r\n", await c.CommandAsync("FUNCTION", "FLUSH"));
        Assert.InRange(await LuaMemoryAsync(c), 0, fresh + 8 * 1024);
    }
}
