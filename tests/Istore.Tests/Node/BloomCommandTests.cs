using System.Text;
using Istore.Node.Objects;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// BF.* against a real node with RedisBloom's replies and errors (scaling, NONSCALING, BF.INSERT's
/// options, BF.INFO in RESP2 and RESP3), and the false-positive rate of 100,000 items in process.
/// </summary>
public abstract class BloomCommandTests(NodeFixture fixture)
{
    [Fact]
    public async Task Add_exists_card_and_info()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":1\r\n", await c.CommandAsync("BF.ADD", "bf:a", "x"));
        Assert.Equal(":0\r\n", await c.CommandAsync("BF.ADD", "bf:a", "x"));
        Assert.Equal("*3\r\n:1\r\n:0\r\n:1\r\n", await c.CommandAsync("BF.MADD", "bf:a", "y", "x", "z"));
        Assert.Equal(":1\r\n", await c.CommandAsync("BF.EXISTS", "bf:a", "y"));
        Assert.Equal(":0\r\n", await c.CommandAsync("BF.EXISTS", "bf:a", "never"));
        Assert.Equal(":0\r\n", await c.CommandAsync("BF.EXISTS", "bf:missing", "y"));
        Assert.Equal("*2\r\n:1\r\n:0\r\n", await c.CommandAsync("BF.MEXISTS", "bf:a", "z", "never"));
        Assert.Equal(":3\r\n", await c.CommandAsync("BF.CARD", "bf:a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("BF.CARD", "bf:missing"));
        Assert.Equal("+MBbloom--\r\n", await c.CommandAsync("TYPE", "bf:a"));
        var info = await c.CommandAsync("BF.INFO", "bf:a");
        Assert.StartsWith("*10\r\n+Capacity\r\n:100\r\n+Size\r\n:", info);
        Assert.EndsWith("+Number of filters\r\n:1\r\n+Number of items inserted\r\n:3\r\n+Expansion rate\r\n:2\r\n", info);
        Assert.Equal("*1\r\n:3\r\n", await c.CommandAsync("BF.INFO", "bf:a", "ITEMS"));
        Assert.Equal("-Invalid information value\r\n", await c.CommandAsync("BF.INFO", "bf:a", "COLOR"));
        Assert.Equal("-ERR not found\r\n", await c.CommandAsync("BF.INFO", "bf:missing"));
        Assert.StartsWith("%", await c.CommandAsync("HELLO", "3"));
        Assert.StartsWith("%5\r\n+Capacity\r\n:100\r\n", await c.CommandAsync("BF.INFO", "bf:a"));
        Assert.Equal("%1\r\n+Number of items inserted\r\n:3\r\n", await c.CommandAsync("BF.INFO", "bf:a", "ITEMS"));
        Assert.Equal("#f\r\n", await c.CommandAsync("BF.ADD", "bf:a", "x"));
        Assert.Equal("*2\r\n#t\r\n#f\r\n", await c.CommandAsync("BF.MEXISTS", "bf:a", "x", "never"));
        Assert.Equal("#f\r\n", await c.CommandAsync("BF.EXISTS", "bf:missing", "x"));
    }

    [Fact]
    public async Task Reserve_scales_or_refuses_when_nonscaling()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("+OK\r\n", await c.CommandAsync("BF.RESERVE", "bf:r", "0.01", "2", "EXPANSION", "3"));
        Assert.Equal("-ERR item exists\r\n", await c.CommandAsync("BF.RESERVE", "bf:r", "0.01", "2"));
        Assert.Equal("*4\r\n:1\r\n:1\r\n:1\r\n:1\r\n", await c.CommandAsync("BF.MADD", "bf:r", "a", "b", "c", "d"));
        Assert.Equal("*1\r\n:2\r\n", await c.CommandAsync("BF.INFO", "bf:r", "FILTERS"));
        Assert.Equal("*1\r\n:8\r\n", await c.CommandAsync("BF.INFO", "bf:r", "CAPACITY"));   // 2 + 2·3

        Assert.Equal("+OK\r\n", await c.CommandAsync("BF.RESERVE", "bf:fixed", "0.001", "2", "NONSCALING"));
        // The first refusal ends the reply (RedisBloom stops adding there).
        Assert.Equal("*3\r\n:1\r\n:1\r\n-ERR non scaling filter is full\r\n", await c.CommandAsync("BF.MADD", "bf:fixed", "a", "b", "c", "e", "f"));
        Assert.Equal("-ERR non scaling filter is full\r\n", await c.CommandAsync("BF.ADD", "bf:fixed", "d"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("BF.INFO", "bf:fixed", "EXPANSION"));

        (string Error, string[] Args)[] bad =
        [
            ("-ERR bad error rate", ["bf:x", "abc", "10"]),
            ("-ERR (0 < error rate range < 1) ", ["bf:x", "1", "10"]),
            ("-ERR (0 < error rate range < 1) ", ["bf:x", "0", "10"]),
            ("-ERR bad capacity", ["bf:x", "0.1", "ten"]),
            ("-ERR (capacity should be larger than 0)", ["bf:x", "0.1", "0"]),
            ("-ERR bad expansion", ["bf:x", "0.1", "10", "EXPANSION", "x"]),
            ("-ERR expansion should be greater or equal to 1", ["bf:x", "0.1", "10", "EXPANSION", "0"]),
            ("-Nonscaling filters cannot expand", ["bf:x", "0.1", "10", "EXPANSION", "2", "NONSCALING"]),
            ("-Nonscaling filters cannot expand", ["bf:x", "0.1", "10", "NONSCALING", "EXPANSION", "x"]),
            ("-ERR no expansion", ["bf:x", "0.1", "10", "EXPANSION"]),
            ("-ERR wrong number of arguments for 'bf.reserve' command", ["bf:x", "0.1", "10", "EXPANSION", "2", "NONSCALING", "more"]),
            ("-ERR capacity too large for the error rate", ["bf:x", "0.0001", "9000000000000"]),
        ];
        foreach (var (error, args) in bad)
            Assert.Equal(error + "\r\n", await c.CommandAsync(["BF.RESERVE", .. args]));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bf:x"));
        await c.CommandAsync("SET", "bf:str", "v");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await c.CommandAsync("BF.ADD", "bf:str", "a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("BF.EXISTS", "bf:str", "a"));   // RedisBloom reads another type as no filter
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", await c.CommandAsync("BF.RESERVE", "bf:str", "0.1", "10"));
        Assert.Equal("+OK\r\n", await c.CommandAsync("BF.RESERVE", "bf:words", "0.1", "10", "BOGUS"));   // RedisBloom ignores unknown words here
    }

    [Fact]
    public async Task Insert_creates_with_its_options_unless_nocreate()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("-ERR not found\r\n", await c.CommandAsync("BF.INSERT", "bf:i", "NOCREATE", "ITEMS", "a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bf:i"));
        Assert.Equal("*2\r\n:1\r\n:1\r\n", await c.CommandAsync("BF.INSERT", "bf:i", "CAPACITY", "1000", "ERROR", "0.001", "EXPANSION", "4", "ITEMS", "a", "b"));
        Assert.Equal("*1\r\n:1000\r\n", await c.CommandAsync("BF.INFO", "bf:i", "CAPACITY"));
        Assert.Equal("*1\r\n:4\r\n", await c.CommandAsync("BF.INFO", "bf:i", "EXPANSION"));
        Assert.Equal("*2\r\n:0\r\n:1\r\n", await c.CommandAsync("BF.INSERT", "bf:i", "NOCREATE", "ITEMS", "a", "c"));
        Assert.Equal("-ERR wrong number of arguments for 'bf.insert' command\r\n", await c.CommandAsync("BF.INSERT", "bf:i", "CAPACITY", "10", "ITEMS"));
        Assert.Equal("-Unknown argument received\r\n", await c.CommandAsync("BF.INSERT", "bf:i", "COLOR", "10", "ITEMS", "a"));
        Assert.Equal("-Bad capacity\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "CAPACITY", "x", "ITEMS", "a"));
        Assert.Equal("-Bad error rate\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "ERROR", "x", "ITEMS", "a"));
        Assert.Equal("-Bad expansion\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "EXPANSION", "x", "ITEMS", "a"));
        Assert.Equal("-Bad argument received\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "ERROR", "1.5", "ITEMS", "a"));
        Assert.Equal("-Bad argument received\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "CAPACITY", "0", "ITEMS", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'bf.insert' command\r\n", await c.CommandAsync("BF.INSERT", "bf:j", "ERROR", "0.1", "CAPACITY"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bf:j"));
        // NONSCALING wins over EXPANSION in BF.INSERT.
        Assert.Equal("*1\r\n:1\r\n", await c.CommandAsync("BF.INSERT", "bf:k", "NONSCALING", "EXPANSION", "4", "ITEMS", "a"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("BF.INFO", "bf:k", "EXPANSION"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "bf:j"));
    }

    [Theory]
    [InlineData(0.01, 100_000, false)]
    [InlineData(0.001, 100_000, false)]
    [InlineData(0.01, 1_000, false)]   // scaled through seven layers
    [InlineData(0.01, 100_000, true)]
    public void False_positive_rate_of_100000_items_stays_within_the_error_rate(double errorRate, long capacity, bool nonScaling)
    {
        var bloom = new BloomObject(errorRate, capacity, 2, nonScaling);
        for (int i = 0; i < 100_000; i++)
            Assert.True(bloom.Add(Encoding.UTF8.GetBytes($"item:{i}")) is not null);
        for (int i = 0; i < 100_000; i += 97)
            Assert.True(bloom.Contains(Encoding.UTF8.GetBytes($"item:{i}")));   // never a false negative
        int falsePositives = 0;
        const int probes = 200_000;
        for (int i = 0; i < probes; i++)
            if (bloom.Contains(Encoding.UTF8.GetBytes($"other:{i}")))
                falsePositives++;
        Assert.True(falsePositives < probes * errorRate, $"{falsePositives} false positives in {probes} ({bloom.Filters} filters)");
    }
}
