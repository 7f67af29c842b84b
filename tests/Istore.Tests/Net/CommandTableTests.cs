using Istore.Net.Commands;

namespace Istore.Tests.Net;

public class CommandTableTests
{
    [Fact]
    public void Names_are_unique_upper_case_and_indexed_in_order()
    {
        var all = CommandTable.All;
        Assert.Equal(all.Count, all.Select(c => c.Name).Distinct().Count());
        for (int i = 0; i < all.Count; i++)
        {
            Assert.Equal(i, all[i].Index);
            Assert.Equal(all[i].Name.ToUpperInvariant(), all[i].Name);
        }
    }

    [Fact]
    public void Key_positions_are_sane()
    {
        foreach (var c in CommandTable.All)
        {
            Assert.True(c.Arity != 0, c.Name);
            // No fixed key positions: none at all, or only keys counted by an argument (ZUNION, LMPOP), 0 0 0 as in Redis.
            if (c.FirstKey == 0)
            {
                Assert.Equal((0, 0), (c.LastKey, c.Step));
                // EVAL, EVALSHA and FCALL neither read nor write themselves: their scripts' commands do (Redis's may_replicate).
                Assert.True(!c.HasKeys || (c.Flags & (CommandFlags.Write | CommandFlags.ReadOnly)) != 0 || c.Name is "EVAL" or "EVALSHA" or "FCALL", c.Name);
                continue;
            }
            Assert.True(c.Step > 0, c.Name);
            Assert.True(c.LastKey < 0 || c.LastKey >= c.FirstKey, c.Name);
            // A key position a minimal valid call can reach must exist in that call.
            int minArgs = Math.Abs(c.Arity);
            Assert.True(c.FirstKey < minArgs || c.Arity < 0, c.Name);
            // WATCH names keys without reading or writing them, as in Redis; shard channels are keys only for routing (Redis's not_key).
            if (c.Name != "WATCH" && !c.ChannelKeys)
                Assert.True((c.Flags & (CommandFlags.Write | CommandFlags.ReadOnly)) != 0, $"{c.Name} touches keys but is neither read nor write");
        }
    }

    [Theory]
    [InlineData("get", "GET")]
    [InlineData("GeT", "GET")]
    [InlineData("incrbyfloat", "INCRBYFLOAT")]
    public void Lookup_ignores_case(string sent, string expected) =>
        Assert.Equal(expected, CommandTable.Find(System.Text.Encoding.ASCII.GetBytes(sent))?.Name);

    [Fact]
    public void Every_command_is_found_by_its_name_in_either_case_and_not_by_its_prefix_or_a_longer_name()
    {
        foreach (var spec in CommandTable.All)
        {
            var upper = System.Text.Encoding.ASCII.GetBytes(spec.Name);
            var lower = System.Text.Encoding.ASCII.GetBytes(spec.Name.ToLowerInvariant());
            Assert.Same(spec, CommandTable.Find(upper));
            Assert.Same(spec, CommandTable.Find(lower));
            Assert.NotSame(spec, CommandTable.Find(upper.AsSpan(0, upper.Length - 1)));
            Assert.NotSame(spec, CommandTable.Find([.. upper, (byte)'_']));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("nosuchcommand")]
    [InlineData("getx")]
    [InlineData("g\u00e9t")]
    [InlineData("GET\0")]
    [InlineData("G\u00c5T")]   // bytes past ASCII: no command has them, in any case
    public void Unknown_names_are_not_found(string sent) =>
        Assert.Null(CommandTable.Find(System.Text.Encoding.UTF8.GetBytes(sent)));

    [Fact]
    public void Key_range_follows_redis_rules()
    {
        var mset = CommandTable.Find("MSET")!;
        Assert.Equal(new KeyRange(1, 6, 2), mset.GetKeyRange(7));
        Assert.Equal(3, mset.GetKeyRange(7).Count);
        var del = CommandTable.Find("DEL")!;
        Assert.Equal(2, del.GetKeyRange(3).Count);
        Assert.Equal(0, CommandTable.Find("PING")!.GetKeyRange(2).Count);
    }
}
