using Istore.Ha.Config;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Ha;

/// <summary>HA's topology: the documented shape loads; mistakes are refused with a message, at start and when committing.</summary>
public sealed class HaConfigTests
{
    private const string Documented = """
        {"version": 1, "listen": "127.0.0.1:7100", "downAfterMs": 1000,
         "tenants": [{"name": "feeds", "password": "s3cret",
           "shards": [{"master": "127.0.0.1:7001", "replicas": ["127.0.0.1:7002"]}]}]}
        """;

    [Fact]
    public void The_documented_shape_loads_and_round_trips()
    {
        var config = HaConfigLoader.Parse(Documented);
        Assert.Equal(1000, config.DownAfterMs);
        Assert.Equal("127.0.0.1:7002", config.Tenants[0].Shards[0].Replicas[0]);
        Assert.Equal(HaConfigLoader.Serialize(config), HaConfigLoader.Serialize(HaConfigLoader.Parse(HaConfigLoader.Serialize(config))));
        Assert.Contains("\"version\": 1", HaConfigLoader.SerializeRoutes(config));
        Assert.DoesNotContain("downAfterMs", HaConfigLoader.SerializeRoutes(config));
    }

    [Theory]
    [InlineData("{", "invalid JSON")]
    [InlineData("""{"listen": "x", "tenants": []}""", "listen 'x'")]
    [InlineData("""{"downAfterMs": 0, "tenants": []}""", "downAfterMs 0")]
    [InlineData("""{"version": 0, "tenants": []}""", "version 0")]
    [InlineData("""{"tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1", "replicas": ["h:1"]}]}]}""", "node h:1 is listed twice")]
    [InlineData("""{"tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}]}, {"name": "b", "password": "y", "shards": [{"master": "h:1"}]}]}""", "in tenant 'a' shard 0 and in tenant 'b' shard 0")]
    [InlineData("""{"tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}, {"master": "h:2", "replicas": ["h:1"]}]}]}""", "listed twice")]
    [InlineData("""{"tenants": [{"name": "a", "password": "x", "shards": []}]}""", "has no shards")]
    [InlineData("""{"tenants": [{"name": "a", "password": "x", "shards": [{"master": "h:1"}]}, {"name": "a", "password": "y", "shards": [{"master": "h:2"}]}]}""", "declared twice")]
    public void Mistakes_are_refused_with_a_message(string json, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => HaConfigLoader.Parse(json));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task istore_ha_refuses_to_start_on_a_bad_topology_and_says_why()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("istore-ha-bad-").FullName, "ha.json");
        File.WriteAllText(path, """{"tenants": [{"name": "a", "password": "x", "shards": [{"master": "127.0.0.1:1", "replicas": ["127.0.0.1:1"]}]}]}""");
        var (exitCode, output) = await NodeProcess.RunToExitAsync(HaProcess.BinaryPath, ["--config", path]);
        Assert.Equal(1, exitCode);
        Assert.Contains("node 127.0.0.1:1 is listed twice", output);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
