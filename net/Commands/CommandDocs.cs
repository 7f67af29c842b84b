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

    private string _owner = "";
    private CommandArgument[]? _arguments;

    /// <summary>
    /// The argument tree, read from <see cref="Syntax"/> on first use (COMMAND DOCS), so that a
    /// node's start-up does not pay for every row's (two threads may both read it: same tree).
    /// </summary>
    public IReadOnlyList<CommandArgument> Arguments => _arguments ??= ArgumentNotation.Parse(Syntax, _owner);

    /// <summary>The doc flags' names in COMMAND DOCS's order.</summary>
    public IEnumerable<string> DocFlagNames()
    {
        if (DeprecatedSince is not null)
            yield return "deprecated";
        if (SystemCommand)
            yield return "syscmd";
    }

    /// <summary>Names the command or "container|sub" these docs belong to, for notation errors.</summary>
    internal void BelongTo(string owner) => _owner = owner;
}

