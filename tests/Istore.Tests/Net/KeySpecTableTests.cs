using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

/// <summary>
/// The key specs (COMMAND INFO, GETKEYSANDFLAGS) and the key positions routing, ACL and the proxy
/// read (first/last/step, counted and keyword keys) describe the same keys, for every command.
/// </summary>
public class KeySpecTableTests
{
    [Fact]
    public void Every_command_with_keys_has_key_specs_and_only_those()
    {
        foreach (var c in CommandTable.All)
            Assert.True((c.HasKeys || c.MovableKeys) == (c.KeySpecs.Count > 0), c.Name);
    }

    /// <summary>Redis derives first/last/step and movablekeys from the key specs; the table's must be what it derives.</summary>
    [Fact]
    public void First_last_step_and_movablekeys_are_what_the_key_specs_imply()
    {
        foreach (var c in CommandTable.All.Where(c => c.KeySpecs.Count > 0))
        {
            var (first, last, step, movable) = LegacyRange(c.KeySpecs);
            Assert.True((c.FirstKey, c.LastKey, c.Step) == (first, last, step), $"{c.Name}: table {c.FirstKey},{c.LastKey},{c.Step}, specs {first},{last},{step}");
            Assert.True(c.MovableKeys == movable, $"{c.Name}: movablekeys {c.MovableKeys}, specs {movable}");
        }
    }

    /// <summary>Calls of 1 to 9 plain arguments: keys at fixed places, as the specs and the table see them.</summary>
    [Fact]
    public void Fixed_key_positions_match_the_key_specs_for_every_length()
    {
        foreach (var c in CommandTable.All.Where(c => c.KeySpecs.Count > 0 && !c.MovableKeys))
        {
            for (int length = 1; length <= 10; length++)
            {
                if (!c.AcceptsArgCount(length))
                    continue;
                var args = Args([c.Name, .. Enumerable.Range(1, length - 1).Select(i => "x" + i)]);
                // Too few arguments for a spec (PFMERGE d with no source, OBJECT HELP): the specs see a
                // syntax error and COMMAND GETKEYS refuses the call; routing still places the keys there are.
                if (SpecKeys(c, args, out var bySpecs))
                    Assert.True(TableKeys(c, args).SequenceEqual(bySpecs), $"{c.Name} with {length} arguments");
                else
                    Assert.Subset(TableKeys(c, args).ToHashSet(), bySpecs.ToHashSet());
            }
        }
    }

    /// <summary>Commands whose keys move with their arguments, on calls that place them.</summary>
    [Theory]
    [InlineData("LMPOP 2 a b LEFT")]
    [InlineData("BLMPOP 0 3 a b c RIGHT COUNT 2")]
    [InlineData("ZMPOP 1 a MIN")]
    [InlineData("BZMPOP 1 2 a b MAX")]
    [InlineData("SINTERCARD 2 a b LIMIT 1")]
    [InlineData("ZUNION 2 a b WITHSCORES")]
    [InlineData("ZINTER 3 a b c")]
    [InlineData("ZDIFF 1 a")]
    [InlineData("ZINTERCARD 2 a b")]
    [InlineData("ZUNIONSTORE d 2 a b WEIGHTS 1 2")]
    [InlineData("ZINTERSTORE d 1 a")]
    [InlineData("ZDIFFSTORE d 2 a b")]
    [InlineData("EVAL s 2 a b c")]
    [InlineData("EVALSHA_RO s 1 a")]
    [InlineData("FCALL f 3 a b c d")]
    [InlineData("FCALL_RO f 1 x")]
    [InlineData("XREAD COUNT 1 STREAMS a b 0 0")]
    [InlineData("XREADGROUP GROUP g c COUNT 1 STREAMS a >")]
    [InlineData("GEORADIUS k 1 2 3 m STORE d")]
    [InlineData("GEORADIUS k 1 2 3 m STOREDIST d")]
    [InlineData("GEORADIUSBYMEMBER k m 3 km STORE d STOREDIST e")]
    [InlineData("GEORADIUS k 1 2 3 m")]
    [InlineData("MIGRATE h 1 k 0 5")]
    [InlineData("MIGRATE h 1 x 0 5 COPY KEYS a b")]
    [InlineData("SORT k")]
    [InlineData("SORT k LIMIT 0 1 STORE d")]
    [InlineData("SORT_RO k ALPHA")]
    [InlineData("RL.RECALL top 10 2 a 1 b 2")]
    [InlineData("RL.RECALL top 10 1 a 1 EXCLUDE 2 x y")]
    [InlineData("RL.PARTIAL 2 a 1 b 2 10 5")]
    public void Movable_key_positions_match_the_key_specs(string call)
    {
        var args = Args(call.Split(' '));
        var c = CommandTable.Find(args[0])!;
        var table = TableKeys(c, args);
        bool decisive = SpecKeys(c, args, out var bySpecs);
        if (decisive)
            Assert.Equal(table, bySpecs);
        else
            Assert.NotEmpty(table.Intersect(bySpecs));   // SORT's STORE, MIGRATE's KEYS: specs say "incomplete" or "unknown"
        Assert.NotEmpty(table);
    }

    [Fact]
    public void Only_set_and_bitfield_have_variable_flags()
    {
        var variable = CommandTable.All.Where(c => c.KeySpecs.Any(k => (k.Flags & KeySpecFlags.VariableFlags) != 0)).Select(c => c.Name);
        Assert.Equal(["BITFIELD", "SET"], variable.Order());
    }

    [Theory]
    [InlineData("GET k", "RO access")]
    [InlineData("SET k v", "OW update")]
    [InlineData("SET k v PX 5 GET", "RW access update")]
    [InlineData("BITFIELD k GET u8 0", "RO access")]
    [InlineData("BITFIELD k INCRBY u8 0 1", "RW access update")]
    [InlineData("SORT k STORE d", "RO access|OW update")]
    [InlineData("RENAME a b", "RW access delete|OW update")]
    [InlineData("MIGRATE h 1 x 0 5 KEYS a b", "RW access delete|RW access delete")]
    public void Key_flags_of_a_call(string call, string expected)
    {
        var args = Args(call.Split(' '));
        var c = CommandTable.Find(args[0])!;
        var flags = TableKeys(c, args).Select(i => string.Join(' ', KeySpecNotation.Describe(KeyFlagsOfCall.Of(c, args, 0, i))));
        Assert.Equal(expected, string.Join('|', flags));
    }

    [Theory]
    [InlineData("RX access")]
    [InlineData("RO i")]
    [InlineData("RO r0,1")]
    [InlineData("RO r0,1,0")]
    public void Bad_notation_is_refused(string notation) =>
        Assert.Throws<InvalidOperationException>(() => KeySpecNotation.Parse(notation, new CommandSpec("X", 2, CommandFlags.ReadOnly, 0, 0, 0, "generic", "x") { Docs = new("1.0.0", null, "") }));

    private static CommandArgs Args(string[] values)
    {
        var args = new CommandArgs();
        args.SetFrom([.. values.Select(Encoding.UTF8.GetBytes)]);
        return args;
    }

    private static List<int> TableKeys(CommandSpec c, CommandArgs args)
    {
        var keys = new List<int>();
        c.CollectKeyIndexes(args, keys);
        return keys;
    }

    /// <summary>The keys all specs find (not_key ones included: routing places shard channels too); false when one cannot tell.</summary>
    private static bool SpecKeys(CommandSpec c, CommandArgs args, out List<int> keys)
    {
        keys = [];
        bool decisive = true;
        foreach (var spec in c.KeySpecs)
            decisive &= spec.FindKeyIndexes(args, 0, keys);
        return decisive;
    }

    /// <summary>
    /// Redis's rule: one index+range spec is the range; otherwise the index+range specs of step 1
    /// that follow one another make it, and any other spec (or an incomplete one) makes the keys movable.
    /// </summary>
    private static (int First, int Last, int Step, bool Movable) LegacyRange(IReadOnlyList<KeySpec> specs)
    {
        static bool Plain(KeySpec s) => s.Begin == BeginSearchType.Index && s.Find == FindKeysType.Range;
        static int AbsoluteLast(KeySpec s) => s.LastKey >= 0 ? s.Index + s.LastKey : s.LastKey;
        bool movable = specs.Any(s => (s.Flags & KeySpecFlags.Incomplete) != 0);
        if (specs.Count == 1 && Plain(specs[0]))
            return (specs[0].Index, AbsoluteLast(specs[0]), specs[0].KeyStep, movable);
        int first = int.MaxValue, last = 0, previous = 0;
        foreach (var s in specs)
        {
            if (!Plain(s) || s.KeyStep != 1 || (previous != 0 && previous != s.Index - 1))
            {
                movable = true;
                continue;
            }
            first = Math.Min(first, s.Index);
            int absolute = AbsoluteLast(s);
            last = (uint)absolute > (uint)last ? absolute : last;   // unsigned: a negative (counted from the end) is the largest
            previous = last;
        }
        return first == int.MaxValue ? (0, 0, 0, movable) : (first, last, 1, movable);
    }
}
