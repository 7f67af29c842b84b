using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// COMMAND DOCS of every command both servers have is redis-server 7.0's, field by field — since,
/// group, complexity, doc flags, deprecation, history, the argument trees (name, type, token, key
/// spec index, since, flags, nesting) and the subcommands' entries — with Redis's RESP types, in
/// RESP2 and RESP3, except the listed fields of the listed commands. Two deliberate differences
/// hold everywhere: the top-level summaries are Redis 7.2's wording (as the table's summaries have
/// always been), and each argument that is not a group carries 7.2's display_text (7.0 has none;
/// here it must equal the name). istore's own commands have trees whose keys are their key specs.
/// </summary>
public class CommandDocsOracleTests(NodeFixture memory, DiskNodeFixture disk, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<DiskNodeFixture>, IClassFixture<RedisServerFixture>
{
    /// <summary>Top-level fields of COMMAND DOCS that differ on purpose, by command.</summary>
    private static readonly Dictionary<string, string[]> KnownDifferences = new()
    {
        // ZRANK and ZREVRANK take Redis 7.2's WITHSCORE (COMMAND INFO's arity says so too).
        ["zrank"] = ["history", "arguments"], ["zrevrank"] = ["history", "arguments"],
        // WAIT sits in the table's "server" group, which gives it Redis's ACL categories; Redis documents it as generic.
        ["wait"] = ["group"],
        // COMMAND is one row here, not a container (COMMAND INFO and COMMAND LIST say the same).
        ["command"] = ["subcommands"],
    };

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Command_docs_are_redis_field_by_field(int protocol)
    {
        await using var node = await ConnectAsync(memory.Node.Port, protocol);
        await using var oracle = await ConnectAsync(redis.Port, protocol);
        int compared = 0;
        var differing = new List<string>();
        foreach (var spec in CommandTable.All)
        {
            string name = spec.Name.ToLowerInvariant();
            var want = await DocsAsync(oracle, name);
            var got = await DocsAsync(node, name);
            Assert.True(got.TryGetValue(name, out var ours), $"no docs for {name}");
            if (!want.TryGetValue(name, out var theirs))
                continue;   // an istore command (RL.*, BF.*, SHARDGUARD): see Own_commands_have_trees_over_their_key_specs
            compared++;
            AssertDisplayTextIsTheName(name, ours);
            var allowed = KnownDifferences.GetValueOrDefault(name, []);
            var wantFields = Fields(theirs).Where(f => f.Key != "summary" && !allowed.Contains(f.Key)).ToList();
            var gotFields = Fields(ours).Where(f => f.Key != "summary" && !allowed.Contains(f.Key)).ToList();
            Assert.Equal(wantFields.Select(f => f.Key), gotFields.Select(f => f.Key));
            for (int i = 0; i < wantFields.Count; i++)
            {
                var (field, expected, actual) = (wantFields[i].Key, Describe(wantFields[i].Key, wantFields[i].Value), Describe(gotFields[i].Key, gotFields[i].Value));
                Assert.True(expected == actual, $"{name} {field}:\nredis  {expected}\nistore {actual}");
            }
            if (allowed.Any(field => Describe(field, Field(theirs, field)) != Describe(field, Field(ours, field))))
                differing.Add(name);
        }
        Assert.True(compared >= 230, $"only {compared} commands compared");
        Assert.Equal(KnownDifferences.Keys.Order(), differing.Order());
    }

    /// <summary>Containers' subcommands one by one by their full names, and names Redis does not know (left out of the reply).</summary>
    [Theory]
    [InlineData(2, "client|kill")]
    [InlineData(3, "client|kill")]
    [InlineData(3, "CONFIG|Set")]
    [InlineData(3, "xinfo|stream")]
    [InlineData(2, "nosuch")]
    [InlineData(3, "nosuch")]
    [InlineData(3, "get|x")]
    [InlineData(3, "client|kill|x")]
    [InlineData(3, "client|nosuch")]
    [InlineData(2, "get nosuch object|freq set")]
    [InlineData(3, "get nosuch object|freq set")]
    public async Task Named_lookups_are_redis(int protocol, string names)
    {
        await using var node = await ConnectAsync(memory.Node.Port, protocol);
        await using var oracle = await ConnectAsync(redis.Port, protocol);
        string[] args = ["COMMAND", "DOCS", .. names.Split(' ')];
        await oracle.SendCommandAsync(args);
        var want = RespValue.Parse(await oracle.ReadFrameBytesAsync());
        await node.SendCommandAsync(args);
        var got = RespValue.Parse(await node.ReadFrameBytesAsync());
        Assert.Equal(want.Type, got.Type);
        var wantEntries = Fields(want).ToList();
        var gotEntries = Fields(got).ToList();
        Assert.Equal(wantEntries.Select(e => e.Key), gotEntries.Select(e => e.Key));
        for (int i = 0; i < wantEntries.Count; i++)
        {
            if (wantEntries[i].Key.Contains('|'))   // a subcommand: its summary is Redis 7.0's too
                Assert.Equal(Describe(wantEntries[i].Value), Describe(gotEntries[i].Value));
            else
                Assert.Equal(WithoutSummary(wantEntries[i].Value), WithoutSummary(gotEntries[i].Value));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_command_is_documented_and_both_engines_say_the_same(int protocol)
    {
        await using var onMemory = await ConnectAsync(memory.Node.Port, protocol);
        await using var onDisk = await ConnectAsync(disk.Node.Port, protocol);
        await onMemory.SendCommandAsync("COMMAND", "DOCS");
        byte[] all = await onMemory.ReadFrameBytesAsync();
        await onDisk.SendCommandAsync("COMMAND", "DOCS");
        Assert.Equal(Encoding.UTF8.GetString(all), Encoding.UTF8.GetString(await onDisk.ReadFrameBytesAsync()));
        var names = Fields(RespValue.Parse(all)).Select(f => f.Key);
        Assert.Equal(CommandTable.All.Select(c => c.Name.ToLowerInvariant()), names);
    }

    /// <summary>Commands Redis does not have: a tree, each key argument naming one of the command's key specs, and every key spec named.</summary>
    [Fact]
    public async Task Own_commands_have_trees_over_their_key_specs()
    {
        await using var node = await ConnectAsync(memory.Node.Port, 3);
        await using var oracle = await ConnectAsync(redis.Port, 3);
        var own = new List<string>();
        foreach (var spec in CommandTable.All)
        {
            string name = spec.Name.ToLowerInvariant();
            if ((await DocsAsync(oracle, name)).Count > 0)
                continue;
            own.Add(name);
            var docs = (await DocsAsync(node, name))[name];
            var arguments = Field(docs, "arguments");
            Assert.True(arguments is { Count: > 0 }, $"{name} has no arguments");
            var keySpecIndexes = AllArguments(arguments!).Select(a => Field(a, "key_spec_index")).OfType<RespValue>().Select(i => (int)i.AsInteger()).ToHashSet();
            var info = await node.ReadValueAfterAsync("COMMAND", "INFO", name);
            int keySpecs = info[0][8].Count;
            Assert.True(keySpecIndexes.SetEquals(Enumerable.Range(0, keySpecs)), $"{name}: arguments name key specs {string.Join(",", keySpecIndexes)}, COMMAND INFO has {keySpecs}");
            Assert.All(AllArguments(arguments!).Where(a => Field(a, "type")!.AsString() == "key"), a => Assert.NotNull(Field(a, "key_spec_index")));
        }
        Assert.Contains("rl.recall", own);
        Assert.Contains("bf.insert", own);
        Assert.Contains("shardguard", own);
    }

    private static async Task<RawConnection> ConnectAsync(int port, int protocol)
    {
        var connection = await RawConnection.ConnectAsync(port);
        await connection.ReadValueAfterAsync("HELLO", protocol.ToString());
        return connection;
    }

    private static async Task<Dictionary<string, RespValue>> DocsAsync(RawConnection connection, string name) =>
        Fields(await connection.ReadValueAfterAsync("COMMAND", "DOCS", name)).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>A map's fields in order (a RESP2 map is a flat array of pairs).</summary>
    private static IEnumerable<KeyValuePair<string, RespValue>> Fields(RespValue map) =>
        map.Pairs.Select(p => KeyValuePair.Create(p.Key.AsString()!, p.Value));

    private static RespValue? Field(RespValue map, string name) => Fields(map).FirstOrDefault(f => f.Key == name).Value;

    /// <summary>Every argument of a tree: groups and their members alike.</summary>
    private static IEnumerable<RespValue> AllArguments(RespValue arguments) =>
        arguments.Items.SelectMany(a => Field(a, "arguments") is { } members ? [a, .. AllArguments(members)] : new[] { a });

    private static void AssertDisplayTextIsTheName(string command, RespValue docs)
    {
        var trees = new List<RespValue>();
        if (Field(docs, "arguments") is { } arguments)
            trees.Add(arguments);
        if (Field(docs, "subcommands") is { } subcommands)
            trees.AddRange(Fields(subcommands).Select(s => Field(s.Value, "arguments")).OfType<RespValue>());
        foreach (var argument in trees.SelectMany(AllArguments))
        {
            bool group = Field(argument, "type")!.AsString() is "oneof" or "block";
            var displayText = Field(argument, "display_text");
            Assert.True(group ? displayText is null : displayText?.AsString() == Field(argument, "name")!.AsString(), $"{command}: display_text of {argument}");
        }
    }

    /// <summary>A doc map's fields without its summary, as a comparable string.</summary>
    private static string WithoutSummary(RespValue docs) =>
        string.Join(" ", Fields(docs).Where(f => f.Key != "summary").Select(f => f.Key + "=" + Describe(f.Key, f.Value)));

    /// <summary>
    /// A value with its RESP types (map, set, array, simple or bulk string), without display_text
    /// pairs (Redis 7.0 has none).
    /// </summary>
    private static string Describe(RespValue? value)
    {
        if (value is null)
            return "(none)";
        if (!value.IsAggregate)
            return value.ToString();
        var items = value.Items;
        var parts = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            if (IsField(items, i, "display_text"))
            {
                i++;
                continue;
            }
            if (i % 2 == 1 && IsField(items, i - 1, "subcommands"))
                parts.Add(Describe("subcommands", items[i]));
            else
                parts.Add(Describe(items[i]));
        }
        return value.Type + "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>A field's value; a "subcommands" map in name order (Redis walks a hash table).</summary>
    private static string Describe(string field, RespValue? value) =>
        field != "subcommands" || value is null ? Describe(value)
        : value.Type + "{" + string.Join(", ", value.Pairs.OrderBy(p => p.Key.AsString(), StringComparer.Ordinal).Select(p => Describe(p.Key) + ": " + Describe(p.Value))) + "}";

    private static bool IsField(IReadOnlyList<RespValue> items, int i, string name) =>
        i % 2 == 0 && i + 1 < items.Count && items[i].Type == RespType.BulkString && items[i].AsString() == name;
}
