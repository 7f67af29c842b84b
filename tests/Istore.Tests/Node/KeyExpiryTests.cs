using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// Key expiry against a real node: EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX XX GT LT, TTL PTTL
/// EXPIRETIME PEXPIRETIME, PERSIST, and both lazy (on read) and active (background) expiry.
/// Expected replies are Redis 7's, byte for byte.
/// </summary>
public abstract class KeyExpiryTests(NodeFixture fixture)
{
    private const string NxError = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
    private const string GtLtError = "-ERR GT and LT options at the same time are not compatible\r\n";

    /// <summary>A far-future Unix time (2100-01-01) so absolute expiries are exact and never fire.</summary>
    private const long Year2100 = 4102444800;

    [Fact]
    public async Task Ttl_family_reports_minus_two_for_missing_and_minus_one_without_expiry()
    {
        await using var c = await fixture.ConnectAsync();
        foreach (var command in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
            Assert.Equal(":-2\r\n", await c.CommandAsync(command, "ttl:missing"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttl:plain", "v"));
        foreach (var command in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
            Assert.Equal(":-1\r\n", await c.CommandAsync(command, "ttl:plain"));
        Assert.Equal("-ERR wrong number of arguments for 'ttl' command\r\n", await c.CommandAsync("TTL"));
        Assert.Equal("-ERR wrong number of arguments for 'pexpiretime' command\r\n", await c.CommandAsync("PEXPIRETIME", "a", "b"));
    }

    [Fact]
    public async Task Relative_and_absolute_expiries_are_reported_by_every_ttl_command()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "ttlv:k", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "ttlv:k", "100"));
        Assert.Equal(":100\r\n", await c.CommandAsync("TTL", "ttlv:k"));
        Assert.InRange((await c.ReadValueAfterAsync("PTTL", "ttlv:k")).AsInteger(), 99_000, 100_000);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange((await c.ReadValueAfterAsync("EXPIRETIME", "ttlv:k")).AsInteger(), now + 98, now + 102);

        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "ttlv:k", "50000"));
        Assert.InRange((await c.ReadValueAfterAsync("PTTL", "ttlv:k")).AsInteger(), 49_000, 50_000);
        Assert.Equal(":50\r\n", await c.CommandAsync("TTL", "ttlv:k"));

        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIREAT", "ttlv:k", Year2100.ToString()));
        Assert.Equal($":{Year2100}\r\n", await c.CommandAsync("EXPIRETIME", "ttlv:k"));
        Assert.Equal($":{Year2100 * 1000}\r\n", await c.CommandAsync("PEXPIRETIME", "ttlv:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIREAT", "ttlv:k", (Year2100 * 1000 + 123).ToString()));
        Assert.Equal($":{Year2100}\r\n", await c.CommandAsync("EXPIRETIME", "ttlv:k"));
        Assert.Equal($":{Year2100 * 1000 + 123}\r\n", await c.CommandAsync("PEXPIRETIME", "ttlv:k"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "ttlv:k"));
    }

    [Fact]
    public async Task Expire_on_a_missing_key_returns_zero()
    {
        await using var c = await fixture.ConnectAsync();
        foreach (var command in new[] { "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT" })
        {
            Assert.Equal(":0\r\n", await c.CommandAsync(command, "expmiss:k", "100"));
            Assert.Equal(":0\r\n", await c.CommandAsync(command, "expmiss:k", "100", "NX"));
        }
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "expmiss:k"));
    }

    [Fact]
    public async Task Expire_conditions_on_a_key_without_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "expnottl:k", "v"));
        // No TTL counts as an infinite one: GT never wins, LT always does.
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expnottl:k", "100", "XX"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expnottl:k", "100", "GT"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expnottl:k", "100", "XX", "LT"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "expnottl:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "expnottl:k", "100", "LT"));
        Assert.Equal(":100\r\n", await c.CommandAsync("TTL", "expnottl:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PERSIST", "expnottl:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIRE", "expnottl:k", "100000", "nx"));
        Assert.Equal(":100\r\n", await c.CommandAsync("TTL", "expnottl:k"));
    }

    [Fact]
    public async Task Expire_conditions_on_a_key_with_ttl()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "expttl:k", "v", "EX", "100"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "5", "NX"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "5", "NX", "NX"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "200", "GT"));
        Assert.Equal(":200\r\n", await c.CommandAsync("TTL", "expttl:k"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "50", "GT"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "500", "LT"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "50", "lt"));
        Assert.Equal(":50\r\n", await c.CommandAsync("TTL", "expttl:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "60", "XX", "GT"));
        Assert.Equal(":0\r\n", await c.CommandAsync("PEXPIRE", "expttl:k", "70000", "XX", "LT"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIREAT", "expttl:k", (Year2100 * 1000).ToString(), "GT"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIREAT", "expttl:k", (Year2100 + 1).ToString(), "LT"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "expttl:k", "30", "XX"));
        Assert.Equal(":30\r\n", await c.CommandAsync("TTL", "expttl:k"));
    }

    [Fact]
    public async Task Incompatible_and_unknown_options_are_rejected()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "expopt:k", "v"));
        Assert.Equal(NxError, await c.CommandAsync("EXPIRE", "expopt:k", "100", "NX", "XX"));
        Assert.Equal(NxError, await c.CommandAsync("PEXPIRE", "expopt:k", "100", "NX", "GT"));
        Assert.Equal(NxError, await c.CommandAsync("EXPIREAT", "expopt:k", "100", "LT", "NX"));
        Assert.Equal(GtLtError, await c.CommandAsync("PEXPIREAT", "expopt:k", "100", "GT", "LT"));
        Assert.Equal(GtLtError, await c.CommandAsync("EXPIRE", "expopt:k", "100", "XX", "LT", "GT"));
        Assert.Equal("-ERR Unsupported option FOO\r\n", await c.CommandAsync("EXPIRE", "expopt:k", "100", "FOO"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("EXPIRE", "expopt:k", "abc"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("PEXPIRE", "expopt:k", "1.5"));
        Assert.Equal("-ERR wrong number of arguments for 'expire' command\r\n", await c.CommandAsync("EXPIRE", "expopt:k"));
        // None of the rejected commands touched the key.
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "expopt:k"));
    }

    [Fact]
    public async Task Out_of_range_expire_times_are_rejected()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "exprange:k", "v"));
        const string max = "9223372036854775807";
        Assert.Equal("-ERR invalid expire time in 'expire' command\r\n", await c.CommandAsync("EXPIRE", "exprange:k", max));
        Assert.Equal("-ERR invalid expire time in 'pexpire' command\r\n", await c.CommandAsync("PEXPIRE", "exprange:k", max));
        Assert.Equal("-ERR invalid expire time in 'expireat' command\r\n", await c.CommandAsync("EXPIREAT", "exprange:k", max));
        Assert.Equal("-ERR invalid expire time in 'expire' command\r\n", await c.CommandAsync("EXPIRE", "exprange:k", "-9223372036854775807"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "exprange:k"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PEXPIREAT", "exprange:k", max));
        Assert.Equal($":{max}\r\n", await c.CommandAsync("PEXPIRETIME", "exprange:k"));
    }

    [Fact]
    public async Task A_time_in_the_past_deletes_the_key_unless_a_condition_refuses()
    {
        await using var c = await fixture.ConnectAsync();
        string[][] deleting = [["EXPIRE", "-1"], ["PEXPIRE", "0"], ["EXPIREAT", "100"], ["PEXPIREAT", "1"], ["EXPIRE", "-1", "LT"]];
        foreach (var args in deleting)
        {
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "exppast:k", "v"));
            Assert.Equal(":1\r\n", await c.CommandAsync([args[0], "exppast:k", .. args[1..]]));
            Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "exppast:k"));
            Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "exppast:k"));
        }
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "exppast:k", "v"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "exppast:k", "-1", "GT"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXPIRE", "exppast:k", "-1", "XX"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "exppast:k"));
    }

    [Fact]
    public async Task Persist_removes_an_expiry_once()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":0\r\n", await c.CommandAsync("PERSIST", "persist:missing"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "persist:k", "v", "EX", "100"));
        Assert.Equal(":1\r\n", await c.CommandAsync("PERSIST", "persist:k"));
        Assert.Equal(":-1\r\n", await c.CommandAsync("TTL", "persist:k"));
        Assert.Equal(":0\r\n", await c.CommandAsync("PERSIST", "persist:k"));
        Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "persist:k"));
        Assert.Equal("-ERR wrong number of arguments for 'persist' command\r\n", await c.CommandAsync("PERSIST", "persist:k", "x"));
    }

    [Fact]
    public async Task An_expired_key_is_gone_for_every_reader()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "lazy:k", "v", "PX", "50"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "lazy:keep", "v"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXISTS", "lazy:k"));
        await Task.Delay(120);
        Assert.Equal("*1\r\n$9\r\nlazy:keep\r\n", await c.CommandAsync("KEYS", "lazy:*"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "lazy:k"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "lazy:k"));
        Assert.Equal(":-2\r\n", await c.CommandAsync("TTL", "lazy:k"));
        Assert.Equal("+none\r\n", await c.CommandAsync("TYPE", "lazy:k"));
        Assert.Equal(":0\r\n", await c.CommandAsync("PERSIST", "lazy:k"));
        Assert.Equal("-ERR no such key\r\n", await c.CommandAsync("RENAME", "lazy:k", "lazy:other"));
        Assert.Equal(":0\r\n", await c.CommandAsync("COPY", "lazy:k", "lazy:other"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DEL", "lazy:k"));
    }

    /// <summary>Redis's keyspace suite: with active expiry off, DEL and UNLINK of a key past its expiry count nothing.</summary>
    [Fact]
    public async Task Del_of_a_key_past_its_expiry_counts_nothing()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        try
        {
            await c.CommandAsync("SET", "delx:gone", "v", "PX", "20");
            await c.CommandAsync("SET", "delx:gone2", "v", "PX", "20");
            await c.CommandAsync("SET", "delx:kept", "v");
            await Task.Delay(100);
            Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "delx:gone", "delx:kept"));
            Assert.Equal(":0\r\n", await c.CommandAsync("UNLINK", "delx:gone2"));
        }
        finally
        {
            await c.CommandAsync("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    /// <summary>DEBUG PAUSE-CRON 1 stops the background expiry (Redis's tracking suite pauses the cron); 0 lets it go on.</summary>
    [Fact]
    public async Task Debug_pause_cron_holds_active_expiry()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "PAUSE-CRON", "1"));
        await c.CommandAsync("SET", "pc:k", "v", "PX", "20");
        await Task.Delay(500);   // five housekeeping ticks
        Assert.Contains("expired_keys:0\r\n", await c.CommandAsync("INFO", "stats"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("DEBUG", "PAUSE-CRON", "0"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await c.CommandAsync("INFO", "stats")).Contains("expired_keys:1\r\n") && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Contains("expired_keys:1\r\n", await c.CommandAsync("INFO", "stats"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("DEBUG", "PAUSE-CRON", "x"));
    }

    [Fact]
    public async Task Lazy_expiry_on_read_counts_in_expired_keys()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v", "PX", "30"));
        await Task.Delay(60);
        Assert.Equal("$-1\r\n", await c.CommandAsync("GET", "k"));
        Assert.Equal(":0\r\n", await c.CommandAsync("DBSIZE"));
        Assert.Contains("expired_keys:1\r\n", (await c.ReadValueAfterAsync("INFO", "stats")).AsString());
    }

    [Fact]
    public async Task Active_expiry_removes_keys_nobody_reads()
    {
        await using var node = await fixture.StartNodeAsync();
        await using var c = await node.ConnectAsync();
        const int count = 200;
        for (int i = 0; i < count; i++)
            await c.SendCommandAsync("SET", $"active:{i}", "v", "PX", "1000");   // long enough to count them first on a loaded host
        for (int i = 0; i < count; i++)
            Assert.Equal("+OK\r\n", await c.ReadFrameAsync());
        Assert.Equal($":{count}\r\n", await c.CommandAsync("DBSIZE"));

        // Never read the keys: only the background cycle can remove them.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        long size;
        while ((size = (await c.ReadValueAfterAsync("DBSIZE")).AsInteger()) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(0, size);
        Assert.Contains($"expired_keys:{count}\r\n", (await c.ReadValueAfterAsync("INFO", "stats")).AsString());
        Assert.Equal("$-1\r\n", await c.CommandAsync("RANDOMKEY"));
    }

    [Fact]
    public async Task Info_keyspace_counts_the_keys_with_an_expiry_across_writes_deletes_and_restarts()
    {
        await using var node = await fixture.StartNodeAsync();
        await using (var c = await node.ConnectAsync())
        {
            await c.CommandAsync("SET", "vol:plain", "v");
            // The disk engine's plain SET with no expiry around does not count its key (INFO would
            // estimate the keys); DBSIZE counts them, and every write below, with expiries about, counts.
            Assert.Equal(":1\r\n", await c.CommandAsync("DBSIZE"));
            await c.CommandAsync("SET", "vol:ttl", "v", "EX", "100");
            await c.CommandAsync("SET", "vol:ttl2", "v", "EX", "100");
            // 9 bytes without expiry and 1 byte with its 8-byte expiry take the same record: updated in place.
            await c.CommandAsync("SET", "vol:same", "123456789");
            await c.CommandAsync("SET", "vol:same", "1", "EX", "100");
            Assert.Equal("db0:keys=4,expires=3,avg_ttl=0", KeyspaceLine(await c.ReadValueAfterAsync("INFO", "keyspace")));
            await c.CommandAsync("PERSIST", "vol:ttl2");
            await c.CommandAsync("EXPIRE", "vol:plain", "100");
            await c.CommandAsync("SET", "vol:ttl", "a longer value");   // SET clears the expiry
            Assert.Equal("db0:keys=4,expires=2,avg_ttl=0", KeyspaceLine(await c.ReadValueAfterAsync("INFO", "keyspace")));
            await c.CommandAsync("DEL", "vol:plain");
            Assert.Equal("db0:keys=3,expires=1,avg_ttl=0", KeyspaceLine(await c.ReadValueAfterAsync("INFO", "keyspace")));
            await c.CommandAsync("SET", "vol:again", "v", "PX", "100000");
        }
        node.Kill();
        await node.RestartAsync();
        await using var after = await node.ConnectAsync();
        Assert.Equal("db0:keys=4,expires=2,avg_ttl=0", KeyspaceLine(await after.ReadValueAfterAsync("INFO", "keyspace")));
    }

    private static string KeyspaceLine(Istore.Net.Resp.RespValue info) =>
        "db0:" + InfoText.Fields(info.AsString()!)["db0"];
}
