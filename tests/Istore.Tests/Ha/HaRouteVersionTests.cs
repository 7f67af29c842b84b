using Istore.Tests.Infrastructure;
using static Istore.Tests.Ha.HaFailoverTests;

namespace Istore.Tests.Ha;

/// <summary>A proxy following several HA processes never applies an older table, nor a different one with the version it has.</summary>
public sealed class HaRouteVersionTests
{
    [Fact]
    public async Task A_proxy_refuses_a_conflicting_table_of_its_version_and_takes_the_next_newer_one()
    {
        await using var shard = await ReplicationGroup.StartAsync("memory", replicas: 1);
        await shard.WaitInSyncAsync();
        string Tenants(string password) => $$"""[{"name": "t1", "password": "{{password}}", "shards": [{"master": "127.0.0.1:{{shard.Master.Port}}", "replicas": ["127.0.0.1:{{shard.Replicas[0].Port}}"]}]}]""";
        await using var first = await HaProcess.StartAsync(Tenants("p1"));
        await using var second = await HaProcess.StartAsync(Tenants("other"));
        await using var proxy = await ProxyProcess.StartWithHaAsync($"{first.Address},{second.Address}");
        await using (var c = await proxy.ConnectAsync("t1", "p1"))
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "k", "v"));

        first.Kill();
        await proxy.WaitForOutputAsync("version 1 differs from the table this proxy has with that version", TimeSpan.FromSeconds(10));
        await using (var c = await proxy.ConnectAsync("t1", "p1"))
            Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "k"));

        Assert.Equal("+OK\r\n", await second.CommandAsync("FAILOVER", "t1", "0"));
        await WaitAsync(async () =>
        {
            await using var c = await proxy.ConnectAsync();
            return await c.CommandAsync("AUTH", "t1", "other") == "+OK\r\n";
        }, TimeSpan.FromSeconds(10), "the newer table was not applied:\n" + proxy.Output);
        await using (var c = await proxy.ConnectAsync("t1", "other"))
            Assert.Equal("$1\r\nv\r\n", await c.CommandAsync("GET", "k"));
    }
}
