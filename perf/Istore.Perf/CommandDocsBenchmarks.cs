using BenchmarkDotNet.Attributes;
using Istore.Net.Commands;

namespace Istore.Perf;

/// <summary>
/// What COMMAND DOCS adds to a node's start-up: reading every command's and subcommand's argument
/// notation into its tree, which the table does once, when it is built.
/// </summary>
[MemoryDiagnoser]
public class CommandDocsBenchmarks
{
    private readonly (string Syntax, string Name)[] _rows =
        [.. CommandTable.All.Select(c => (c.Docs.Syntax, c.Name)), .. CommandTable.Subcommands.Select(s => (s.Docs.Syntax, s.FullName))];

    [Benchmark]
    public int ParseEveryArgumentTree()
    {
        int arguments = 0;
        foreach (var (syntax, name) in _rows)
            arguments += ArgumentNotation.Parse(syntax, name).Length;
        return arguments;
    }
}
