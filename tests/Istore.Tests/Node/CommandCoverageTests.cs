using Istore.Net.Commands;
using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// A meta-test over net's command table: every command it declares must be served by the node
/// (never "unknown command", never a handler crash), and every command must enforce its arity
/// with Redis's error. A command added to the table without a working handler fails here.
/// </summary>
public class CommandCoverageTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    /// <summary>Commands that need particular arguments to be harmless (SHUTDOWN would stop the node).</summary>
    private static readonly Dictionary<string, string[]> Overrides = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SHUTDOWN"] = ["ABORT"],
    };

    public static TheoryData<string> AllCommands()
    {
        var data = new TheoryData<string>();
        // SYNC's reply is a snapshot and a stream, not a RESP frame: LegacySyncTests serve it.
        foreach (var spec in CommandTable.All.Where(s => s.Name != "SYNC"))
            data.Add(spec.Name);
        return data;
    }

    /// <summary>Commands whose arity leaves room for a too-short or too-long call.</summary>
    public static TheoryData<string> CommandsWithArityLimits()
    {
        var data = new TheoryData<string>();
        foreach (var spec in CommandTable.All.Where(s => s.Arity > 0 || s.Arity < -1))
            data.Add(spec.Name);
        return data;
    }

    private static string WrongArity(string name) => $"-ERR wrong number of arguments for '{name.ToLowerInvariant()}' command\r\n";

    /// <summary>The command with <paramref name="argCount"/> arguments after its name: keys where the table puts keys, "1" elsewhere.</summary>
    private static string[] Build(CommandSpec spec, int argCount, string name)
    {
        var args = new string[argCount + 1];
        args[0] = name;
        var keys = spec.GetKeyRange(argCount + 1);
        for (int i = 1; i <= argCount; i++)
        {
            bool isKey = keys.Count > 0 && i >= keys.First && i <= keys.Last && (i - keys.First) % keys.Step == 0;
            args[i] = isKey ? $"cov:{spec.Name.ToLowerInvariant()}:{i}" : "1";
        }
        return args;
    }

    private static int MinimumArgs(CommandSpec spec) => spec.Arity > 0 ? spec.Arity - 1 : -spec.Arity - 1;

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task Every_table_command_is_served_by_the_node(string name)
    {
        var spec = CommandTable.Find(name)!;
        string[] args = Overrides.TryGetValue(name, out var extra)
            ? [name.ToLowerInvariant(), .. extra]
            : Build(spec, MinimumArgs(spec), name.ToLowerInvariant());
        await using var c = await fixture.ConnectAsync();
        var reply = await c.CommandAsync(args);
        Assert.False(reply.StartsWith("-ERR unknown command"), $"{string.Join(' ', args)} → {reply}");
        Assert.False(reply.StartsWith("-ERR internal error"), $"{string.Join(' ', args)} → {reply}");
        Assert.NotEqual(WrongArity(name), reply);
        Assert.NotEqual(WrongArity(name.Split('|')[0]), reply);
    }

    [Theory]
    [MemberData(nameof(CommandsWithArityLimits))]
    public async Task Wrong_arity_gets_the_redis_error(string name)
    {
        var spec = CommandTable.Find(name)!;
        await using var c = await fixture.ConnectAsync();
        int minimum = MinimumArgs(spec);
        if (minimum >= 1)
            Assert.Equal(WrongArity(name), await c.CommandAsync(Build(spec, minimum - 1, name)));
        if (spec.Arity > 0)
            Assert.Equal(WrongArity(name), await c.CommandAsync(Build(spec, minimum + 1, name)));
        // The connection is still usable after the rejection.
        Assert.Equal("+PONG\r\n", await c.CommandAsync("PING"));
    }

    [Fact]
    public async Task Command_list_and_the_table_agree()
    {
        await using var c = await fixture.ConnectAsync();
        var listed = (await c.ReadValueAfterAsync("COMMAND", "LIST")).AsStringArray().Select(n => n!).Order(StringComparer.Ordinal);
        var subcommands = CommandTable.Subcommands.Select(s => $"{s.Container}|{s.Name}".ToLowerInvariant());
        Assert.Equal(CommandTable.All.Select(s => s.Name.ToLowerInvariant()).Concat(subcommands).Order(StringComparer.Ordinal), listed);
        foreach (var spec in CommandTable.All)
            Assert.Equal(spec.Arity, (await c.ReadValueAfterAsync("COMMAND", "INFO", spec.Name))[0][1].AsInteger());
    }

    [Fact]
    public void Every_command_has_a_known_arity_shape()
    {
        Assert.NotEmpty(CommandTable.All);
        Assert.All(CommandTable.All, spec =>
        {
            Assert.NotEqual(0, spec.Arity);
            Assert.Equal(spec.Name.ToUpperInvariant(), spec.Name);
            Assert.False(string.IsNullOrWhiteSpace(spec.Summary));
        });
        Assert.Equal(CommandTable.All.Count, CommandTable.All.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
