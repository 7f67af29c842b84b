using Istore.Net.Commands;

namespace Istore.Node.Commands;

public delegate void CommandHandler(CommandContext context);

/// <summary>
/// Handlers indexed by <see cref="CommandSpec.Index"/>. Each family file registers its handlers
/// by command name; start-up fails if the table and the handlers disagree.
/// </summary>
public sealed class HandlerTable
{
    private readonly CommandHandler?[] _handlers = new CommandHandler?[CommandTable.All.Count];

    public static HandlerTable Create()
    {
        var table = new HandlerTable();
        StringCommands.Register(table);
        BitmapCommands.Register(table);
        HyperLogLogCommands.Register(table);
        SortCommand.Register(table);
        GeoCommands.Register(table);
        KeyCommands.Register(table);
        DumpRestoreCommands.Register(table);
        ConnectionCommands.Register(table);
        ServerCommands.Register(table);
        HashCommands.Register(table);
        ListCommands.Register(table);
        SetCommands.Register(table);
        SortedSetCommands.Register(table);
        TransactionCommands.Register(table);
        PubSubCommands.Register(table);
        RankListCommands.Register(table);
        StreamCommands.Register(table);
        ReplicationCommands.Register(table);
        ScriptingCommands.Register(table);
        FunctionCommands.Register(table);
        DiagnosticsCommands.Register(table);
        AclCommand.Register(table);
        var missing = CommandTable.All.Where(c => table._handlers[c.Index] is null).Select(c => c.Name).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException("Commands without a handler: " + string.Join(", ", missing));
        return table;
    }

    public void Add(string name, CommandHandler handler)
    {
        var spec = CommandTable.Find(name) ?? throw new InvalidOperationException($"{name} is not in the command table");
        if (_handlers[spec.Index] is not null)
            throw new InvalidOperationException($"{name} has two handlers");
        _handlers[spec.Index] = handler;
    }

    public CommandHandler this[CommandSpec spec] => _handlers[spec.Index]!;
}
