using System.Text.RegularExpressions;
using Istore.Net.Commands;

namespace Istore.Tests.Net;

/// <summary>
/// The table's COMMAND DOCS agree with the rest of the table: versions look like versions, key
/// arguments name the command's key specs and every key spec is named by an argument (a
/// container's by its subcommands'), and containers are exactly the commands with subcommands.
/// </summary>
public partial class CommandDocsTableTests
{
    /// <summary>A node reads the trees on first use, not at start-up: here every row's notation must read.</summary>
    [Fact]
    public void Every_rows_argument_notation_reads()
    {
        Assert.All(CommandTable.All, c => Assert.NotNull(c.Docs.Arguments));
        Assert.All(CommandTable.Subcommands, s => Assert.NotNull(s.Docs.Arguments));
        Assert.Contains(CommandTable.Find("SET")!.Docs.Arguments, a => a.Name == "expiration");
    }

    [Fact]
    public void Versions_are_versions()
    {
        var docs = CommandTable.All.Select(c => (c.Name, c.Docs)).Concat(CommandTable.Subcommands.Select(s => (s.FullName, s.Docs)));
        foreach (var (name, doc) in docs)
        {
            string[] versions = [doc.Since, .. doc.History.Select(h => h.Version), .. Tree(doc.Arguments).Select(a => a.Since).OfType<string>()];
            Assert.All(versions, v => Assert.True(Version().IsMatch(v), $"{name}: '{v}'"));
            Assert.True(doc.DeprecatedSince is null == doc.ReplacedBy is null, name);
        }
    }

    [Fact]
    public void Key_arguments_and_key_specs_name_each_other()
    {
        foreach (var command in CommandTable.All)
        {
            var trees = command.IsContainer ? CommandTable.SubcommandsOf(command.Name).Select(s => s.Docs.Arguments) : [command.Docs.Arguments];
            var named = trees.SelectMany(Tree).Where(a => a.KeySpecIndex >= 0).ToList();
            Assert.All(named, a => Assert.True(a.KeySpecIndex < command.KeySpecs.Count, $"{command.Name}: {a.Name} names key spec {a.KeySpecIndex} of {command.KeySpecs.Count}"));
            Assert.All(Tree(command.Docs.Arguments).Where(a => a.Type == ArgumentType.Key), a => Assert.True(a.KeySpecIndex >= 0, command.Name));
            for (int i = 0; i < command.KeySpecs.Count; i++)
            {
                if ((command.KeySpecs[i].Flags & KeySpecFlags.NotKey) == 0)   // shard channels are documented as strings, as Redis does
                    Assert.True(named.Any(a => a.KeySpecIndex == i), $"{command.Name}: no argument names key spec {i}");
            }
        }
    }

    [Fact]
    public void Containers_are_the_commands_with_subcommands()
    {
        foreach (var command in CommandTable.All)
            Assert.True(command.IsContainer == CommandTable.SubcommandsOf(command.Name).Count > 0, command.Name);
        Assert.Equal(["ACL", "CLIENT", "CLUSTER", "CONFIG", "FUNCTION", "LATENCY", "MEMORY", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO"],
            CommandTable.All.Where(c => c.IsContainer).Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("client|kill", CommandTable.FindSubcommand("CLIENT|Kill")?.FullName);
        Assert.Null(CommandTable.FindSubcommand("client|kill|x"));
        Assert.Null(CommandTable.FindSubcommand("get|x"));
    }

    private static IEnumerable<CommandArgument> Tree(IEnumerable<CommandArgument> arguments) =>
        arguments.SelectMany(a => a.IsGroup ? [a, .. Tree(a.Arguments)] : new[] { a });

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex Version();
}
