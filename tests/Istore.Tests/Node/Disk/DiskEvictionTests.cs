using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The disk engine keeps its data on disk and, as Kvrocks, evicts nothing and tracks no key
/// access: only noeviction is taken, OBJECT IDLETIME/FREQ say so, RESTORE accepts (and checks)
/// IDLETIME/FREQ without keeping them. A maxmemory set there is Redis's under noeviction
/// (ExplicitMaxMemoryTests).
/// </summary>
public sealed class DiskEvictionTests(DiskNodeFixture fixture) : IClassFixture<DiskNodeFixture>
{
    [Fact]
    public async Task Only_noeviction_is_taken()
    {
        await using var c = await fixture.ConnectAsync();
        foreach (var policy in new[] { "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl" })
            Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - the disk engine keeps its data on disk and evicts no keys (only noeviction)\r\n",
                await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", policy));
        Assert.Equal("+OK\r\n", await c.CommandAsync("CONFIG", "SET", "maxmemory-policy", "noeviction"));
        Assert.Equal("noeviction", InfoText.Fields((await c.ReadValueAfterAsync("INFO", "memory")).AsString()!)["maxmemory_policy"]);
    }

    [Fact]
    public async Task Object_idletime_and_freq_say_the_engine_tracks_no_access()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "da:k", "v");
        Assert.Equal("-ERR OBJECT IDLETIME is not supported by the disk engine: it tracks no key access\r\n", await c.CommandAsync("OBJECT", "IDLETIME", "da:k"));
        Assert.Equal("-ERR OBJECT FREQ is not supported by the disk engine: it tracks no key access\r\n", await c.CommandAsync("OBJECT", "FREQ", "da:k"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("OBJECT", "IDLETIME", "da:missing"));
    }

    [Fact]
    public async Task Restore_checks_idletime_and_freq_and_stores_the_value()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "dr:src", "value");
        var payload = await AccessTrackingTests.DumpAsync(c, "dr:src");
        Task<string> RestoreAsync(string key, params string[] options) => AccessTrackingTests.RestoreAsync(c, key, payload, options);
        Assert.Equal("+OK\r\n", await RestoreAsync("dr:idle", "IDLETIME", "1000"));
        Assert.Equal("+OK\r\n", await RestoreAsync("dr:freq", "FREQ", "100"));
        Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", "dr:idle"));
        Assert.Equal("$5\r\nvalue\r\n", await c.CommandAsync("GET", "dr:freq"));
        Assert.Equal("-ERR Invalid IDLETIME value, must be >= 0\r\n", await RestoreAsync("dr:bad", "IDLETIME", "-1"));
        Assert.Equal("-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n", await RestoreAsync("dr:bad", "FREQ", "256"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "dr:bad"));
    }
}
