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

    /// <summary>What the queued commands hold (CLIENT LIST's multi-mem): their arguments, plus a pointer's worth per argument and a record per command, as Redis's multiStateMemOverhead counts.</summary>
    public long Bytes { get; private set; }

    public (CommandSpec Spec, CommandArgs Args) this[int index] => _commands[index];

    /// <summary>Whether a queued command writes (EXEC is then refused as a write would be: MISCONF).</summary>
    public bool HasWrites => (Flags & CommandFlags.Write) != 0;

    /// <summary>The queued commands' flags together: EXEC is refused as any of them would be (Redis's mstate.cmd_flags).</summary>
    public CommandFlags Flags { get; private set; }

    /// <summary>Whether a queued command lacks the stale flag: EXEC then is not stale-safe (Redis's mstate.cmd_inv_flags).</summary>
    public bool AllStale { get; private set; } = true;

    /// <summary>A command was refused while queueing: EXEC must discard the transaction.</summary>
    public void Abort() => Aborted = true;

    /// <summary>True for the commands that act on the transaction itself (and QUIT, RESET) rather than join it.</summary>
    public static bool RunsImmediately(CommandSpec spec) => RunImmediately.Contains(spec.Name);

    /// <summary>
    /// MULTI, DISCARD and UNWATCH run while a script is busy (Redis flags them allow-busy): they
    /// touch only the client, so a client can start a transaction that the -BUSY replies then doom.
    /// </summary>
    public static bool RunsWhileBusy(CommandSpec spec) => spec.Name is "MULTI" or "DISCARD" or "UNWATCH";

    public void Add(CommandSpec spec, CommandArgs args)
    {
        Flags |= spec.Flags | (spec.SubcommandHas(args, CommandFlags.DenyOom) ? CommandFlags.DenyOom : 0);
        AllStale &= (spec.Flags & CommandFlags.Stale) != 0;
        var values = new byte[args.Count][];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = args.ToArray(i);
            Bytes += values[i].Length + IntPtr.Size;
        }
        Bytes += 48;
        var copy = new CommandArgs();
        copy.SetFrom(values);
        _commands.Add((spec, copy));
    }
}
