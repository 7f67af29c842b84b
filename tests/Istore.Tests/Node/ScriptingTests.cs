using System.Text;
using Istore.Tests.Infrastructure;
using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>
/// EVAL, EVALSHA, SCRIPT and the redis.* API against a real node, each conversion and error
/// compared byte for byte with redis-server 7; atomicity against readers on other event loops;
/// effects (not scripts) in the log across kill -9 and on a replica; SCRIPT KILL of a busy loop.
/// </summary>
public abstract class ScriptingTests(NodeFixture fixture, Net.RedisServerFixture redis)
{
    private static async Task AssertSameAsync(RawConnection istore, RawConnection oracle, params string[][] commands)
    {
        foreach (var args in commands)
        {
            string expected = await oracle.CommandAsync(args);
            string actual = await istore.CommandAsync(args);
            Assert.True(expected == actual, $"{string.Join(' ', args)}\n redis:  {Escape(expected)}\n istore: {Escape(actual)}");
        }
    }

    private static string Escape(string reply) => reply.Replace("\r\n", "\\r\\n");

    private static string[] Eval(string script, params string[] keysThenArgs) => ["EVAL", script, .. keysThenArgs];

    [Fact]
    public async Task Lua_to_resp2_conversions_match_redis()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await AssertSameAsync(c, oracle,
            Eval("return 42", "0"), Eval("return 3.99", "0"), Eval("return -3.99", "0"), Eval("return 'text'", "0"),
            Eval("return true", "0"), Eval("return false", "0"), Eval("return nil", "0"),
            Eval("return {1, 'two', {3, 'four'}, true, false, 5.5}", "0"), Eval("return {1, 2, nil, 4}", "0"),
            Eval("return {ok='fine'}", "0"), Eval("return {err='MYCODE my error'}", "0"), Eval("return {err='ERR with\\r\\nnewline'}", "0"),
            Eval("return redis.status_reply('STATUS')", "0"), Eval("return redis.error_reply('MY_ERR custom msg')", "0"),
            Eval("return redis.error_reply('no code')", "0"), Eval("return redis.error_reply('-CODE')", "0"),
            Eval("return redis.error_reply(1)", "0"), Eval("return redis.status_reply()", "0"),
            Eval("return {double=3.5}", "0"), Eval("return {map={a=1}}", "0"), Eval("return {set={a=true}}", "0"),
            Eval("return {big_number='123456789012345678901234567890'}", "0"),
            Eval("return {verbatim_string={format='txt', string='hello'}}", "0"),
            Eval("return KEYS[1] .. ARGV[1] .. #KEYS .. #ARGV", "1", "k", "a", "b"),
            Eval("return redis.sha1hex('')", "0"), Eval("return redis.sha1hex('abc')", "0"), Eval("local h = redis.sha1hex() return h", "0"),
            Eval("return cjson.encode({1, 2, 3})", "0"), Eval("return cjson.decode('[1,2,{\"a\":3}]')[3].a", "0"),
            Eval("return bit.band(0xff, 0x0f) + bit.bor(1, 2) + bit.lshift(1, 4)", "0"), Eval("return bit.tohex(65535)", "0"),
            Eval("return string.format('%d-%s', 5, 'x')", "0"), Eval("return tostring(math.floor(7.9))", "0"),
            Eval("return {redis.REPL_ALL, redis.LOG_WARNING, redis.breakpoint()}", "0"));
    }

    /// <summary>
    /// struct is implemented here too (Debian does not package it): its bytes, values and errors must
    /// be lua_struct's (errors raised outside a tail call, whose line Lua 5.1 cannot give, see README).
    /// </summary>
    [Fact]
    public async Task Struct_matches_redis()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string hex = "local function hex(e) local h = '' for i = 1, #e do h = h .. string.format('%02x', string.byte(e, i)) end return h end\n";
        string Both(string pack) => hex + $"local p = {pack} return {{hex(p), struct.unpack(({pack.Split('(')[1].Split(',')[0]}), p)}}";
        await AssertSameAsync(c, oracle,
            Eval(hex + "return hex(struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 4294967296, 7, -5, 6))", "0"),
            Eval(hex + "return hex(struct.pack('<i3I5i16I1', -2, 1099511627775, -1, 300))", "0"),
            Eval(hex + "return hex(struct.pack('!4 b i2 x d f', 1, 2, 3.25, 0.1))", "0"),
            Eval(hex + "return hex(struct.pack('!>bi8bh', 1, 2, 3, 4))", "0"),
            Eval(hex + "return hex(struct.pack('c3 c0 s', 'abcdef', 'xy', 'zero'))", "0"),
            Eval(hex + "return hex(struct.pack('i', '42'))", "0"),
            Eval(hex + "return hex(struct.pack('l L I8', 1e30, 1e30, -1e30))", "0"),
            Eval(Both("struct.pack('>i2 I3 s c2 d', -300, 70000, 'str', 'ab', -0.5)"), "0"),
            Eval("return {struct.unpack('<hH', '\\255\\255\\255\\255')}", "0"),
            Eval("return {struct.unpack('B c0 B', '\\3abc\\9')}", "0"),
            Eval("return {struct.unpack('b', 'xyz', 2)}", "0"),
            Eval("return {struct.unpack('!4 b i', '\\1\\0\\0\\0\\2\\0\\0\\0')}", "0"),
            Eval("return {struct.unpack('f', struct.pack('f', 1.5))}", "0"),
            Eval("return {struct.size('!8 b d'), struct.size('i3 c5 h'), struct.size('<>x'), struct.size('z')}", "0"),
            Eval("local r = struct.pack('z', 1) return r", "0"), Eval("local r = struct.pack('i40', 1) return r", "0"),
            Eval("local r = struct.pack('i99999999999', 1) return r", "0"), Eval("local r = struct.pack('!3i', 1) return r", "0"),
            Eval("local r = struct.pack('i') return r", "0"), Eval("local r = struct.pack('i', {}) return r", "0"), Eval("local r = struct.pack('c5', 'ab') return r", "0"),
            Eval("local r = struct.pack() return r", "0"), Eval("local r = struct.unpack('i', 'ab') return r", "0"), Eval("local r = struct.unpack('s', 'ab') return r", "0"),
            Eval("local r = struct.unpack('c0', 'ab') return r", "0"), Eval("local r = struct.unpack('b', 'ab', 0) return r", "0"), Eval("local r = struct.unpack('b', 'ab', 'x') return r", "0"),
            Eval("local r = struct.unpack('B c0', '\\9ab') return r", "0"), Eval("local r = struct.unpack('?', 'ab') return r", "0"),
            Eval("local r = struct.size('s') return r", "0"), Eval("local r = struct.size('c0') return r", "0"), Eval("local r = struct.size('?') return r", "0"),
            Eval("struct.pack = nil", "0"));
    }

    /// <summary>cmsgpack is implemented here (Debian does not package it): its bytes and decodings must be lua-cmsgpack's.</summary>
    [Fact]
    public async Task Cmsgpack_matches_redis()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string hex = "local function hex(e) local h = '' for i = 1, #e do h = h .. string.format('%02x', string.byte(e, i)) end return h end\n";
        await AssertSameAsync(c, oracle,
            Eval(hex + "return hex(cmsgpack.pack({1, 2, {a = 3}}, -5, 0.1, 1.5, 300, 70000, 5000000000, -200, -40000, 'hello', string.rep('x', 40), true, false, nil))", "0"),
            Eval(hex + "return hex(cmsgpack.pack(string.rep('y', 300), {}, {[1] = 1, [3] = 3}, -2147483649, 127, 128, -32, -33, 1e300))", "0"),
            Eval(hex + "local t = {} for i = 1, 20 do t[i] = i end return hex(cmsgpack.pack(t))", "0"),
            Eval(hex + "local t = {} t[1] = t return hex(cmsgpack.pack(t))", "0"),
            Eval("local e = cmsgpack.pack({1, {b = 'x'}}, 7, 'z') local a, b, c = cmsgpack.unpack(e) return {a[2].b, b, c}", "0"),
            Eval("local e = cmsgpack.pack(1, 2, 3) return {cmsgpack.unpack_one(e), cmsgpack.unpack_one(e, 1), cmsgpack.unpack_limit(e, 2, 0)}", "0"),
            Eval("local e = cmsgpack.pack(1, 2) local o, v = cmsgpack.unpack_one(e, 1) return {o, v}", "0"),
            Eval("local v = cmsgpack.unpack(string.char(0xcd)) return v", "0"), Eval("local v = cmsgpack.unpack(string.char(0xc1)) return v", "0"),
            Eval("local o, v = cmsgpack.unpack_one(cmsgpack.pack(1), 5) return o", "0"), Eval("return tostring(cmsgpack.unpack(cmsgpack.pack(0.25)))", "0"));
    }

    [Fact]
    public async Task Resp_to_lua_conversions_match_redis_in_resp2_and_resp3()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string[] setup = ["DEL", "sc:s", "sc:h", "sc:z", "sc:set", "sc:l"];
        await c.CommandAsync(setup);
        await oracle.CommandAsync(setup);
        // type(...) and the table fields tell each conversion apart, under RESP2 then RESP3.
        const string describe = """
            local function d(v)
              if type(v) ~= 'table' then return type(v) .. ':' .. tostring(v) end
              local keys = {}
              for k, x in pairs(v) do keys[#keys + 1] = tostring(k) .. '=' .. d(x) end
              table.sort(keys)
              return '{' .. table.concat(keys, ',') .. '}'
            end
            """;
        foreach (var resp in new[] { "2", "3" })
        {
            string Script(string call) => describe + $"\nredis.setresp({resp})\nreturn d({call})";
            await AssertSameAsync(c, oracle,
                Eval(Script("redis.call('set', 'sc:s', 'v')"), "0"), Eval(Script("redis.call('get', 'sc:s')"), "0"),
                Eval(Script("redis.call('get', 'sc:missing')"), "0"), Eval(Script("redis.call('incrby', 'sc:n', 5)"), "0"),
                Eval(Script("redis.call('hset', 'sc:h', 'f', 'v', 'g', 'w')"), "0"), Eval(Script("redis.call('hgetall', 'sc:h')"), "0"),
                Eval(Script("redis.call('sadd', 'sc:set', 'm')"), "0"), Eval(Script("redis.call('smembers', 'sc:set')"), "0"),
                Eval(Script("redis.call('zadd', 'sc:z', 1.5, 'a')"), "0"), Eval(Script("redis.call('zscore', 'sc:z', 'a')"), "0"),
                Eval(Script("redis.call('zrange', 'sc:z', 0, -1, 'withscores')"), "0"),
                Eval(Script("redis.call('exists', 'sc:s', 'sc:h')"), "0"), Eval(Script("redis.pcall('blpop', 'sc:l', 0)"), "0"), Eval(Script("redis.call('lpop', 'sc:l')"), "0"),
                Eval(Script("redis.pcall('incr', 'sc:s')"), "0"), Eval(Script("redis.pcall('hget', 'sc:s', 'f')"), "0"),
                Eval(Script("redis.call('ping')"), "0"));
        }
        // A boolean returned to the client: 1 / null under setresp(2), a RESP3 boolean under setresp(3).
        await c.ReadValueAfterAsync("HELLO", "3");
        await oracle.ReadValueAfterAsync("HELLO", "3");
        await AssertSameAsync(c, oracle,
            Eval("redis.setresp(3) return true", "0"), Eval("redis.setresp(3) return false", "0"), Eval("return false", "0"),
            Eval("return {double=2.5}", "0"), Eval("return {map={a=1}}", "0"), Eval("return {set={x=true}}", "0"),
            Eval("redis.setresp(3) return redis.call('hgetall', 'sc:h')", "0"), Eval("return nil", "0"));
    }

    /// <summary>
    /// Redis's "test RESPn/m … protocol parsing": every RESP3 type a command can reply with, read into Lua
    /// under redis.setresp(3) and written back in the client's protocol. DEBUG is no-script, so only with
    /// DEBUG SET-DISABLE-DENY-SCRIPTS 1 (redis-server here refuses DEBUG: expected bytes are from its suite).
    /// </summary>
    [Fact]
    public async Task Debug_protocol_values_pass_through_a_script_in_either_protocol()
    {
        await using var c = await fixture.ConnectAsync();
        const string bignum = "1234567999999999999999999999999999999";
        string Call(int resp, string type) => $"redis.setresp({resp}) return redis.call('debug', 'protocol', '{type}')";
        Assert.StartsWith("-ERR This Redis command is not allowed from script", await c.CommandAsync(Eval(Call(3, "true"), "0")));
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"));
        try
        {
            Assert.Equal($"$37\r\n{bignum}\r\n", await c.CommandAsync(Eval(Call(3, "bignum"), "0")));
            AssertUnordered("*6", [":0 :0", ":1 :1", ":2 :0"], 2, await c.CommandAsync(Eval(Call(3, "map"), "0")));
            Assert.Equal("$5\r\n3.141\r\n", await c.CommandAsync(Eval(Call(3, "double"), "0")));
            Assert.Equal(":1\r\n", await c.CommandAsync(Eval(Call(3, "true"), "0")));
            Assert.Equal(":0\r\n", await c.CommandAsync(Eval(Call(2, "false"), "0")));
            Assert.Equal("$25\r\nThis is a verbatim\nstring\r\n", await c.CommandAsync(Eval(Call(3, "verbatim"), "0")));
            await c.ReadValueAfterAsync("HELLO", "3");
            Assert.Equal($"({bignum}\r\n", await c.CommandAsync(Eval(Call(3, "bignum"), "0")));
            Assert.Equal($"$37\r\n{bignum}\r\n", await c.CommandAsync(Eval(Call(2, "bignum"), "0")));
            AssertUnordered("%3", [":0 #f", ":1 #t", ":2 #f"], 2, await c.CommandAsync(Eval(Call(3, "map"), "0")));
            AssertUnordered("~3", [":0", ":1", ":2"], 1, await c.CommandAsync(Eval(Call(3, "set"), "0")));
            Assert.Equal(",3.141\r\n", await c.CommandAsync(Eval(Call(3, "double"), "0")));
            Assert.Equal("_\r\n", await c.CommandAsync(Eval(Call(2, "null"), "0")));
            Assert.Equal("=29\r\ntxt:This is a verbatim\nstring\r\n", await c.CommandAsync(Eval(Call(3, "verbatim"), "0")));
            Assert.Equal("#t\r\n", await c.CommandAsync(Eval(Call(3, "true"), "0")));
            // An attribute is not shown to the script: the reply after it is.
            Assert.Equal("$39\r\nSome real reply following the attribute\r\n", await c.CommandAsync(Eval(Call(3, "attrib"), "0")));
        }
        finally
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"));
        }
        Assert.StartsWith("-ERR This Redis command is not allowed from script", await c.CommandAsync(Eval(Call(3, "true"), "0")));
    }

    /// <summary>Redis's "SORT BY &lt;constant&gt; output gets ordered for scripting": a set's unsorted SORT is alphabetical inside a script.</summary>
    [Fact]
    public async Task Sort_of_a_set_by_a_constant_is_ordered_inside_a_script()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        string[] members = "a b c d e f g h i l m n o p q r s t u v z aa aaa azz".Split(' ');
        await AssertSameAsync(c, oracle, ["DEL", "sortscript:set"], ["SADD", "sortscript:set", .. members],
            Eval("return redis.call('sort', KEYS[1], 'by', '_')", "1", "sortscript:set"),
            Eval("return redis.call('sort', KEYS[1], 'by', '_', 'get', '#', 'get', '_:*')", "1", "sortscript:set"),
            Eval("return redis.call('sort', KEYS[1], 'by', '_', 'limit', '1', '3')", "1", "sortscript:set"));
    }

    /// <summary>A map or set that went through a Lua table: its header, then its elements (<paramref name="width"/> lines each) in any order.</summary>
    private static void AssertUnordered(string header, string[] elements, int width, string reply)
    {
        var lines = reply.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header, lines[0]);
        var actual = lines[1..].Chunk(width).Select(element => string.Join(' ', element)).Order();
        Assert.Equal(elements.Order(), actual);
    }

    [Fact]
    public async Task Errors_match_redis()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        await AssertSameAsync(c, oracle,
            ["SET", "se:str", "text"],
            Eval("return +", "0"), Eval("return 1", "x"), Eval("return 1", "2", "a"), Eval("return 1", "-1"),
            ["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"], ["EVALSHA", "short", "0"],
            Eval("return undefined_global", "0"), Eval("newglobal = 1", "0"), Eval("redis = 1", "0"), Eval("string.x = 1", "0"),
            Eval("redis.call('nosuchcommand') return 1", "0"),
            Eval("setmetatable(_G, {}) return 1", "0"), Eval("local g = getmetatable(_G) g.__index = {} return 1", "0"),
            Eval("rawset(_G, 'sneaky', 1) return 1", "0"), Eval("redis.call = function() end return 1", "0"),
            Eval("cjson.encode = nil return 1", "0"), Eval("local f = loadstring(string.dump(function() return 1 end)) return f()", "0"),
            Eval("local f = loadstring('return 7') return f()", "0"),
            Eval("redis.call('incr', 'se:str') return 1", "0"), Eval("local x = redis.call('get') return x", "0"),
            Eval("redis.call() return 1", "0"), Eval("redis.call('set', {}, 1) return 1", "0"),
            Eval("redis.call('multi') return 1", "0"), Eval("error('boom')", "0"), Eval("error({err='CUSTOM failure'})", "0"),
            Eval("local t = nil; return t.x", "0"), Eval("return redis.pcall('incr', 'se:str')['err']", "0"),
            Eval("local ok, e = pcall(function() redis.call('incr', 'se:str') end) return {tostring(ok), e}", "0"),
            ["EVAL_RO", "redis.call('set', 'se:ro', 1) return 1", "0"], ["EVAL_RO", "return redis.call('get', 'se:str')", "0"],
            Eval("#!lua flags=no-writes\nredis.call('set', 'se:nw', 1) return 1", "0"), Eval("#!lua flags=bogus\nreturn 1", "0"),
            Eval("#!python\nreturn 1", "0"), Eval("#!lua\nreturn 2", "0"), ["EVAL_RO", "#!lua\nreturn 3", "0"],
            Eval("#!lua name=x\nreturn 1", "0"), Eval("#!lua", "0"),
            Eval("redis.log(redis.LOG_WARNING, 'from a script') return 1", "0"), Eval("redis.log() return 1", "0"),
            Eval("redis.log('x', 'y') return 1", "0"), Eval("redis.log(9, 'y') return 1", "0"),
            Eval("redis.setresp(4)", "0"), Eval("redis.set_repl(redis.REPL_ALL) return 1", "0"), Eval("redis.set_repl(9)", "0"),
            ["SCRIPT", "KILL"], ["SCRIPT", "NOSUCH"], ["SCRIPT", "FLUSH", "BAD"], ["SCRIPT"]);
    }

    [Fact]
    public async Task Script_cache_load_exists_and_flush()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string body = "return 'cached ' .. ARGV[1]";
        await AssertSameAsync(c, oracle,
            ["SCRIPT", "FLUSH"], ["SCRIPT", "LOAD", body], ["SCRIPT", "LOAD", "return +"],
            ["EVALSHA", "B2B5EDA6C4DAE1A1C6EF2A4C1B74E1EF4C1F60B7", "0"],
            ["SCRIPT", "EXISTS", "ffffffffffffffffffffffffffffffffffffffff"]);
        string sha = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(await c.CommandAsync("SCRIPT", "LOAD", body))).Split("\r\n")[1];
        await AssertSameAsync(c, oracle,
            ["EVALSHA", sha, "0", "x"], ["EVALSHA", sha.ToUpperInvariant(), "0", "y"], ["EVALSHA_RO", sha, "0", "z"],
            ["SCRIPT", "EXISTS", sha, "ffffffffffffffffffffffffffffffffffffffff"], ["SCRIPT", "FLUSH", "ASYNC"],
            ["SCRIPT", "EXISTS", sha], ["EVALSHA", sha, "0", "gone"],
            ["EVALSHA", new string('z', 40), "0"], ["EVALSHA", sha[..39], "0"], ["EVALSHA", "é" + sha[..38], "0"]);
    }

    /// <summary>Lua that runs for 20 ms by the server's TIME (which, unlike a command's clock, moves on).</summary>
    internal const string Spin20Ms = "local t0 = redis.call('time') "
        + "repeat local t = redis.call('time') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 20000";

    /// <summary>A script's clock stands still, as in Redis: a key that expires while it runs is still there for it, and gone after.</summary>
    [Fact]
    public async Task A_key_does_not_expire_while_a_script_runs()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string script = "redis.call('set', KEYS[1], 'v', 'px', 5) " + Spin20Ms
            + " return {redis.call('exists', KEYS[1]), redis.call('get', KEYS[1])}";
        await AssertSameAsync(c, oracle, Eval(script, "1", "script:frozen"), ["EXISTS", "script:frozen"]);
        Assert.Equal("*2\r\n:1\r\n$1\r\nv\r\n", await c.CommandAsync(Eval(script, "1", "script:frozen")));
    }

    /// <summary>Readers on another event loop see a 10,000-write script entirely or not at all.</summary>
    [Fact]
    public async Task A_script_is_atomic_against_readers_on_other_event_loops()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "2"]);
        const string fill = "for i = 1, 10000 do redis.call('set', 'at:' .. i, ARGV[1]) end redis.call('set', 'at:done', ARGV[1]) return 1";
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var r = await node.ConnectAsync();
            int checks = 0;
            while (!stop.IsCancellationRequested)
            {
                var reply = await r.ReadValueAfterAsync("MGET", "at:1", "at:5000", "at:10000", "at:done");
                var values = reply.Items.Select(v => v.IsNull ? null : v.AsString()).Distinct().ToList();
                Assert.True(values.Count == 1, "a reader saw part of a script: " + string.Join(",", values));
                checks++;
            }
            return checks;
        })).ToList();
        await using var c = await node.ConnectAsync();
        for (int round = 0; round < 6; round++)
            Assert.Equal(":1\r\n", await c.CommandAsync("EVAL", fill, "0", "round" + round));
        stop.Cancel();
        Assert.True((await Task.WhenAll(readers)).Sum() > 0, "the readers never ran");
    }

    /// <summary>TIME and math.random differ per run: what comes back after kill -9 is what the script wrote (its effects), not a rerun.</summary>
    [Fact]
    public async Task Script_effects_survive_kill_9_and_are_not_rerun()
    {
        await using var node = await fixture.StartNodeAsync();
        const string script = "local t = redis.call('time') redis.call('set', KEYS[1], t[1] .. '.' .. t[2] .. ':' .. math.random()) "
            + "redis.call('hset', KEYS[2], 'f', t[2]) return redis.call('get', KEYS[1])";
        string written, hash;
        await using (var c = await node.ConnectAsync())
        {
            written = await c.CommandAsync("EVAL", script, "2", "dur:s", "dur:h");
            hash = await c.CommandAsync("HGET", "dur:h", "f");
        }
        node.Kill();
        await node.RestartAsync();
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(written, await c.CommandAsync("GET", "dur:s"));
            Assert.Equal(hash, await c.CommandAsync("HGET", "dur:h", "f"));
        }
    }

    [Fact]
    public async Task A_replica_receives_a_scripts_effects()
    {
        await using var group = await ReplicationGroup.StartAsync(fixture.Engine, replicas: 1);
        const string script = "local t = redis.call('time') redis.call('set', 'rep:s', t[2]) redis.call('rpush', 'rep:l', t[1], t[2]) return t[2]";
        string micros = await ReplicationGroup.CommandAsync(group.Master, "EVAL", script, "0");
        await group.WaitInSyncAsync();
        var replica = group.Replicas[0];
        Assert.Equal(micros, await ReplicationGroup.CommandAsync(replica, "GET", "rep:s"));
        await ReplicationGroup.AssertSameDataAsync(group.Master, replica);
        Assert.StartsWith("-READONLY You can't write against a read only replica.",
            await ReplicationGroup.CommandAsync(replica, "EVAL", "return redis.call('set', 'x', 1)", "0"));
        Assert.Equal("$1\r\n1\r\n", await ReplicationGroup.CommandAsync(replica, "EVAL_RO", "return redis.call('strlen', 'rep:s') > 0 and '1' or '0'", "0"));

        // redis.set_repl(REPL_NONE) keeps the writes after it out of the log until REPL_ALL; in a MULTI group the rest stays whole.
        const string partly = "redis.call('set', 'rep:before', 1) redis.set_repl(redis.REPL_NONE) redis.call('set', 'rep:local', 1) "
            + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'rep:after', 1) return redis.call('exists', 'rep:before', 'rep:local', 'rep:after')";
        Assert.Equal(":3\r\n", await ReplicationGroup.CommandAsync(group.Master, "EVAL", partly, "0"));
        Assert.Equal("+OK\r\n", await ReplicationGroup.CommandAsync(group.Master, "SET", "rep:marker", "1"));
        await group.WaitInSyncAsync();
        Assert.Equal(":2\r\n", await ReplicationGroup.CommandAsync(replica, "EXISTS", "rep:before", "rep:local", "rep:after"));
        Assert.Equal(":0\r\n", await ReplicationGroup.CommandAsync(replica, "EXISTS", "rep:local"));
        Assert.Equal(":1\r\n", await ReplicationGroup.CommandAsync(replica, "EXISTS", "rep:marker"));
    }

    [Fact]
    public async Task Script_kill_stops_a_busy_loop_and_the_node_stays_up()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var other = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CommandAsync("CONFIG", "SET", "busy-reply-threshold", "100"));
        Assert.Equal("-NOTBUSY No scripts in execution right now.\r\n", await other.CommandAsync("SCRIPT", "KILL"));
        await using var looping = await node.ConnectAsync();
        await looping.SendCommandAsync("EVAL", "local i = 0 while true do i = i + 1 pcall(function() end) end", "0");
        string busy = await PollAsync(other, "-BUSY", "GET", "k");
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", busy);
        Assert.Equal("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", await other.CommandAsync("FUNCTION", "KILL"));
        Assert.Equal("+OK\r\n", await other.CommandAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL... script: ", await looping.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("+PONG\r\n", await looping.CommandAsync("PING"));
        Assert.Equal("$-1\r\n", await other.CommandAsync("GET", "k"));

        await looping.SendCommandAsync("EVAL", "redis.call('set', 'wrote', 1) while true do end", "0");
        string unkillable = await PollAsync(other, "-UNKILLABLE", "SCRIPT", "KILL");
        Assert.StartsWith("-UNKILLABLE Sorry the script already executed write commands", unkillable);
        await other.SendCommandAsync("SHUTDOWN", "NOSAVE");
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        await node.RestartAsync();
        await using var after = await node.ConnectAsync();
        Assert.Equal(":0\r\n", await after.CommandAsync("EXISTS", "wrote"));
    }

    /// <summary>
    /// Redis's "Timedout script does not cause a false dead client": a reply queued in the same
    /// loop iteration as the script that turns busy must still go out, or its client (the one
    /// that would send SCRIPT KILL) waits for a script that never ends.
    /// </summary>
    [Fact]
    public async Task A_reply_queued_just_before_a_busy_script_still_goes_out()
    {
        await using var node = await fixture.StartNodeAsync(["--threads", "1"]);
        await using var other = await node.ConnectAsync();
        await using var looping = await node.ConnectAsync();
        await using var sleeper = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await other.CommandAsync("CONFIG", "SET", "busy-reply-threshold", "10"));
        // The one event loop sleeps while the PING and then the script arrive, so it reads both in one iteration, PING first.
        await sleeper.SendCommandAsync("DEBUG", "SLEEP", "1");
        await Task.Delay(300);
        await other.SendCommandAsync("PING");
        await looping.SendAsync(RespEncoding.CommandText(Encoding.UTF8, ["EVAL", "while 1 do redis.call('ping') end", "0"])
            + RespEncoding.CommandText(Encoding.UTF8, ["PING"]));
        Assert.Equal("+PONG\r\n", await other.ReadFrameAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("+OK\r\n", await sleeper.ReadFrameAsync(TimeSpan.FromSeconds(20)));
        Assert.StartsWith("-BUSY", await PollAsync(other, "-BUSY", "PING"));
        Assert.Equal("+OK\r\n", await other.CommandAsync("SCRIPT", "KILL"));
        Assert.StartsWith("-ERR Script killed by user with SCRIPT KILL...", await looping.ReadFrameAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("+PONG\r\n", await looping.ReadFrameAsync());
        Assert.Equal("+PONG\r\n", await other.CommandAsync("PING"));
    }

    /// <summary>Sends the command every 50 ms (up to 5 s) until its reply starts with <paramref name="prefix"/>; returns the last reply.</summary>
    private static async Task<string> PollAsync(RawConnection c, string prefix, params string[] command)
    {
        string reply = "";
        for (int i = 0; i < 100 && !reply.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            reply = await c.CommandAsync(command);
        }
        return reply;
    }

    /// <summary>The lock of Redlock-style clients: SET NX PX to take it, a compare-and-delete script to release only one's own.</summary>
    [Fact]
    public async Task A_redlock_style_lock_works_through_stackexchange_redis()
    {
        const string release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
        const string extend = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
        var db = fixture.Db;
        RedisKey resource = "lock:orders";
        Assert.True(await db.StringSetAsync(resource, "owner-a", TimeSpan.FromSeconds(10), When.NotExists));
        Assert.False(await db.StringSetAsync(resource, "owner-b", TimeSpan.FromSeconds(10), When.NotExists));
        Assert.Equal(0, (long)await db.ScriptEvaluateAsync(release, [resource], ["owner-b"]));
        Assert.Equal(1, (long)await db.ScriptEvaluateAsync(extend, [resource], ["owner-a", 30000]));
        Assert.InRange((await db.KeyTimeToLiveAsync(resource))!.Value.TotalSeconds, 20, 30);
        var prepared = LuaScript.Prepare("return redis.call('get', @key)");
        Assert.Equal("owner-a", (string?)await db.ScriptEvaluateAsync(prepared, new { key = resource }));
        Assert.Equal(1, (long)await db.ScriptEvaluateAsync(release, [resource], ["owner-a"]));
        Assert.True(await db.StringSetAsync(resource, "owner-b", TimeSpan.FromSeconds(10), When.NotExists));
    }

    [Fact]
    public async Task Functions_load_list_call_and_delete()
    {
        await using var c = await fixture.ConnectAsync();
        await using var oracle = await RawConnection.ConnectAsync(redis.Port);
        const string library = "#!lua name=fnlib\n"
            + "redis.register_function('fn_set', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n"
            + "redis.register_function{function_name='fn_get', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}";
        await AssertSameAsync(c, oracle,
            ["FUNCTION", "FLUSH"], ["FUNCTION", "LOAD", library], ["FUNCTION", "LOAD", library],
            ["FCALL", "fn_set", "1", "fn:k", "v"], ["FCALL", "fn_get", "1", "fn:k"], ["FCALL_RO", "fn_get", "1", "fn:k"],
            ["FCALL_RO", "fn_set", "1", "fn:k", "w"], ["FCALL", "nosuch", "0"], ["FCALL", "fn_get", "5", "fn:k"],
            ["FUNCTION", "LOAD", "#!lua name=one\nredis.register_function('one_fn', function() return 1 end)"],
            ["FUNCTION", "LIST", "LIBRARYNAME", "one", "WITHCODE"], ["FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"], ["FUNCTION", "STATS"],
            ["FUNCTION", "LOAD", "REPLACE", library], ["FUNCTION", "LOAD", "return 1"], ["FUNCTION", "LOAD", "#!lua\nreturn 1"],
            ["FUNCTION", "LOAD", "#!lua name=empty\nreturn 1"], ["FUNCTION", "LOAD", "#!lua name=bad\nreturn +"],
            ["FUNCTION", "LOAD", "#!lua name=dup\nredis.register_function('fn_set', function() end)"],
            ["FUNCTION", "LOAD", "#!lua name=calls\nredis.call('ping')"],
            ["FUNCTION", "LOAD", "#!lua name=forever\nlocal a = 1 while 1 do a = a + 1 end"], ["FUNCTION", "LOAD", "#!lua name=one_arg\nredis.register_function('x')"],
            ["FUNCTION", "LOAD", "#!lua name=three\nredis.register_function('x', function() end, 1)"],
            ["FUNCTION", "LOAD", "#!lua name=badkey\nredis.register_function{function_name='x', callback=function() end, bogus=1}"],
            ["FUNCTION", "DELETE", "fnlib"], ["FUNCTION", "DELETE", "fnlib"], ["FCALL", "fn_get", "1", "fn:k"], ["FUNCTION", "KILL"]);
    }
}
