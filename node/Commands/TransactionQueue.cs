using Istore.Net.Commands;
using Istore.Net.Resp;

namespace Istore.Node.Commands;

/// <summary>
/// The commands a client sent between MULTI and EXEC, copied out of the receive buffer, and
/// whether one of them was refused at queue time (unknown, wrong arity…), which makes EXEC fail
/// with EXECABORT as Redis does.
/// </summary>
public sealed class TransactionQueue
{
    private static readonly HashSet<string> RunImmediately = ["EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET"];

    private readonly List<(CommandSpec Spec, CommandArgs Args)> _commands = [];

    public bool Aborted { get; private set; }

    public int Count => _commands.Count;

    public (CommandSpec Spec, CommandArgs Args) this[int index] => _commands[index];

    /// <summary>Whether a queued command writes (EXEC is then refused as a write would be: MISCONF).</summary>
    public bool HasWrites => _commands.Exists(c => (c.Spec.Flags & CommandFlags.Write) != 0);

    /// <summary>A command was refused while queueing: EXEC must discard the transaction.</summary>
    public void Abort() => Aborted = true;

    /// <summary>True for the commands that act on the transaction itself (and QUIT, RESET) rather than join it.</summary>
    public static bool RunsImmediately(CommandSpec spec) => RunImmediately.Contains(spec.Name);

    public void Add(CommandSpec spec, CommandArgs args)
    {
        var values = new byte[args.Count][];
        for (int i = 0; i < values.Length; i++)
            values[i] = args.ToArray(i);
        var copy = new CommandArgs();
        copy.SetFrom(values);
        _commands.Add((spec, copy));
    }
}
