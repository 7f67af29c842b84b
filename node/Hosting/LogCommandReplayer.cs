using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Hosting;

/// <summary>
/// Re-runs logged collection commands at start-up through their own handlers, on a replaying
/// keyspace session (no logging, no expiry), so there is one implementation of each command.
/// Replies are discarded; an error reply means the log and the snapshot disagree and is counted.
/// </summary>
internal sealed class LogCommandReplayer
{
    private readonly HandlerTable _handlers;
    private readonly CommandContext _context;
    private readonly Connection _sink = Connection.CreateDetached();

    public LogCommandReplayer(NodeServer node, HandlerTable handlers, KeyspaceSession keyspace)
    {
        _handlers = handlers;
        _context = new CommandContext(node, keyspace)
        {
            Connection = _sink,
            Client = new ClientState { Authenticated = true, User = node.Acl.Default },
        };
    }

    /// <summary>Replayed commands whose reply was an error.</summary>
    public long Failures { get; private set; }

    /// <summary>FUNCTION RESTORE payload FLUSH: how the libraries are logged (their container command is not a write as a whole).</summary>
    private static bool IsFunctionState(CommandArgs record) =>
        record.Count == 4 && record[0].SequenceEqual("FUNCTION"u8) && record[1].SequenceEqual("RESTORE"u8) && record[3].SequenceEqual("FLUSH"u8);

    public void Execute(CommandArgs record)
    {
        var spec = CommandTable.Find(record[0]);
        if (spec is null || ((spec.Flags & CommandFlags.Write) == 0 && !IsFunctionState(record) && !PubSubCommands.IsPublish(record[0]))
            || !spec.AcceptsArgCount(record.Count))
            throw new InvalidDataException($"unknown record '{CommandErrors.Truncate(record.ToString(0))}' with {record.Count} arguments");
        _context.Args = record;
        _context.Spec = spec;
        _sink.Output.Clear();
        _handlers[spec](_context);
        if (_sink.Output.Length > 0 && _sink.Output.WrittenSpan[0] == (byte)'-')
            Failures++;
        _sink.Output.Clear();
    }
}
