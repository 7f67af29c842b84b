using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Until the disk engine stores the remaining collection types (ranklists, bloom filters), every write of one answers one
/// clear error and changes nothing; reads see no collection; strings, hashes, sets, lists, sorted sets and streams keep working.
/// </summary>
public class DiskCollectionRefusalTests(DiskNodeFixture fixture) : IClassFixture<DiskNodeFixture>
{
    private const string Refusal = "-ERR the disk engine does not store ranklists or bloom filters yet\r\n";

    [Theory]
    [InlineData("RL.ADD", "refuse:r", "1", "m")]
    [InlineData("BF.ADD", "refuse:b", "item")]
    public async Task A_collection_write_is_refused_with_a_clear_error_and_leaves_no_key(params string[] command)
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(Refusal, await c.CommandAsync(command));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", command[1]));
        Assert.Equal("+OK\r\n", await c.CommandAsync("SET", command[1], "still a string store"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await c.CommandAsync(command));
    }

    [Fact]
    public async Task Collection_reads_of_missing_keys_answer_as_empty()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("$-1\r\n", await c.CommandAsync("HGET", "refuse:none", "f"));
        Assert.Equal(":0\r\n", await c.CommandAsync("LLEN", "refuse:none"));
        Assert.Equal("*0\r\n", await c.CommandAsync("SMEMBERS", "refuse:none"));
        Assert.Equal(":0\r\n", await c.CommandAsync("ZCARD", "refuse:none"));
    }
}
