using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// INFO persistence's rdb_changes_since_last_save, as Redis's bitops suite reads it: a write that
/// changed data counts, one that changed nothing (SETBIT to the bit it already had), PUBLISH and
/// MULTI/EXEC themselves do not, and a checkpoint (SAVE) starts the count again.
/// </summary>
public abstract class ChangesSinceSaveTests(NodeFixture fixture)
{
    [Fact]
    public async Task Writes_that_change_data_count_until_a_save()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("DEL", "cs:bits", "cs:field", "cs:n");
        long start = await ChangesAsync(c);

        await c.CommandAsync("SETBIT", "cs:bits", "0", "0");
        await c.CommandAsync("BITFIELD", "cs:field", "SET", "i5", "0", "0");
        Assert.Equal(start + 2, await ChangesAsync(c));

        await c.CommandAsync("SETBIT", "cs:bits", "0", "0");
        await c.CommandAsync("BITFIELD", "cs:field", "SET", "i5", "0", "0");
        await c.CommandAsync("PUBLISH", "cs:channel", "hello");
        await c.CommandAsync("DEL", "cs:missing");
        Assert.Equal(start + 2, await ChangesAsync(c));

        await c.CommandAsync("SETBIT", "cs:bits", "0", "1");
        await c.CommandAsync("BITFIELD", "cs:field", "INCRBY", "i5", "0", "1");
        Assert.Equal(start + 4, await ChangesAsync(c));

        await c.CommandAsync("MULTI");
        await c.CommandAsync("INCR", "cs:n");
        await c.CommandAsync("INCR", "cs:n");
        await c.CommandAsync("EXEC");
        Assert.Equal(start + 6, await ChangesAsync(c));

        Assert.Equal("+OK\r\n", await c.CommandAsync("SAVE"));
        Assert.Equal(0, await ChangesAsync(c));
        await c.CommandAsync("SET", "cs:n", "1");
        Assert.Equal(1, await ChangesAsync(c));
    }

    private static async Task<long> ChangesAsync(RawConnection c) =>
        long.Parse(InfoText.Fields((await c.ReadValueAfterAsync("INFO", "persistence")).AsString()!)["rdb_changes_since_last_save"]);
}
