namespace Istore.Net.Commands;

/// <summary>
/// What COMMAND DOCS tells about a command or a subcommand beyond its summary and group: the
/// version that added it, its complexity, its argument tree (declared in <see cref="ArgumentNotation"/>),
/// its history and its deprecation, as Redis 7 documents them. A few commands document no
/// complexity (MONITOR, SYNC).
/// </summary>
public sealed record CommandDocs(string Since, string? Complexity, string Syntax)
{
    /// <summary>The changes after <see cref="Since"/>, oldest first.</summary>
    public IReadOnlyList<(string Version, string Change)> History { get; init; } = [];

    public string? DeprecatedSince { get; init; }

    /// <summary>What to use instead of a deprecated command, in Redis's markdown.</summary>
    public string? ReplacedBy { get; init; }

    /// <summary>An internal command (Redis's "syscmd" doc flag): replication, testing.</summary>
    public bool SystemCommand { get; init; }

    /// <summary>The argument tree, parsed from <see cref="Syntax"/> when the table is built.</summary>
    public IReadOnlyList<CommandArgument> Arguments { get; private set; } = [];

    /// <summary>The doc flags' names in COMMAND DOCS's order.</summary>
    public IEnumerable<string> DocFlagNames()
    {
        if (DeprecatedSince is not null)
            yield return "deprecated";
        if (SystemCommand)
            yield return "syscmd";
    }

    internal void ParseArguments(string command) => Arguments = ArgumentNotation.Parse(Syntax, command);
}

