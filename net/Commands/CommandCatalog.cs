namespace Istore.Net.Commands;

/// <summary>
/// The commands a server's COMMAND replies describe: the node's are the whole table, the proxy's
/// those it serves. The full listing, COUNT, LIST, INFO, DOCS and GETKEYS all read this one set,
/// so they agree; a listed container's subcommands are listed with it, those it serves.
/// </summary>
public sealed class CommandCatalog
{
    private readonly bool[] _listed = new bool[CommandTable.All.Count];
    private readonly Func<Subcommand, bool> _servesSubcommand;

    /// <param name="servesSubcommand">Which subcommands of a listed container are served (all when null).</param>
    public CommandCatalog(IEnumerable<CommandSpec> commands, Func<Subcommand, bool>? servesSubcommand = null)
    {
        Commands = [.. commands.OrderBy(spec => spec.Index)];
        foreach (var spec in Commands)
            _listed[spec.Index] = true;
        _servesSubcommand = servesSubcommand ?? (_ => true);
    }

    /// <summary>Every command of the table: the node's catalog.</summary>
    public static CommandCatalog Everything { get; } = new(CommandTable.All);

    /// <summary>The listed commands, in the table's order.</summary>
    public IReadOnlyList<CommandSpec> Commands { get; }

    public CommandSpec? Find(ReadOnlySpan<byte> name) => Listed(CommandTable.Find(name));

    public CommandSpec? Find(string name) => Listed(CommandTable.Find(name));

    /// <summary>"container|sub" (any case) when its container is listed and it is served.</summary>
    public Subcommand? FindSubcommand(string fullName) =>
        CommandTable.FindSubcommand(fullName) is { } sub && Find(sub.Container) is not null && _servesSubcommand(sub) ? sub : null;

    /// <summary>The served subcommands of a listed container, in the table's order.</summary>
    public IReadOnlyList<Subcommand> SubcommandsOf(CommandSpec container) =>
        [.. CommandTable.SubcommandsOf(container.Name).Where(_servesSubcommand)];

    private CommandSpec? Listed(CommandSpec? spec) => spec is not null && _listed[spec.Index] ? spec : null;
}
