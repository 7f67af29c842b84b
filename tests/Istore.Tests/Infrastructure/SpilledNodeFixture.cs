namespace Istore.Tests.Infrastructure;

/// <summary>
/// A memory-engine <see cref="NodeFixture"/> whose log holds 4 MB in RAM: after <see cref="SpillAsync"/>
/// the keys written before it are on disk, and reading them waits for FASTER's I/O.
/// </summary>
public sealed class SpilledNodeFixture : NodeFixture
{
    protected override string[] Args => ["--maxmemory", "4mb", "--page-size", "1mb"];

    private int _fillers;

    /// <summary>Writes 8 MB of other keys, twice the log's RAM, so everything written before is on disk.</summary>
    public async Task SpillAsync(RawConnection node)
    {
        string filler = new('f', 100_000);
        for (int i = 0; i < 80; i++)
            Assert.Equal("+OK\r\n", await node.CommandAsync("SET", $"spill:filler:{_fillers++}", filler));
    }
}
