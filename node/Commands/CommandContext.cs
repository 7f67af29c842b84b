using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>Everything a handler needs for one command. One instance per event loop, reused.</summary>
public sealed class CommandContext(NodeServer node, KeyspaceSession keyspace)
{
    public NodeServer Node { get; } = node;

    public KeyspaceSession Keyspace { get; } = keyspace;

    public CommandArgs Args { get; internal set; } = null!;

    public CommandSpec Spec { get; internal set; } = null!;

    public Connection Connection { get; internal set; } = null!;

    public ClientState Client { get; internal set; } = null!;

    /// <summary>
    /// Set when the command being dispatched answers later (it blocked its client on keys, or runs
    /// off the loop): its statistics and SLOWLOG entry wait until it is answered.
    /// </summary>
    public bool AnsweredLater { get; internal set; }

    /// <summary>
    /// Set by a script whose error reply was already counted in errorstats, where its redis.call
    /// failed or was refused (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE): the reply only fails the call.
    /// </summary>
    public bool ErrorCountedEarlier { get; internal set; }

    /// <summary>The script command (EVAL, FCALL…) whose redis.call is being dispatched; null outside scripts.</summary>
    public (CommandSpec Spec, CommandArgs Args)? ScriptCommand { get; internal set; }

    /// <summary>When the command being dispatched started (Stopwatch ticks): a script's run starts its clock there.</summary>
    public long StartedTicks { get; internal set; }

    public RespWriter Output => Connection.Output;

    /// <summary>This loop's command statistics (the start-up replay keeps its own, never shown).</summary>
    public Admin.LoopStats Stats { get; } = new();

    public int Count => Args.Count;

    public ReadOnlySpan<byte> Arg(int index) => Args[index];

    public string ArgString(int index) => Encoding.UTF8.GetString(Args[index]);

    public bool ArgIs(int index, ReadOnlySpan<byte> upperCaseWord) => Ascii.EqualsIgnoreCase(Args[index], upperCaseWord);

    /// <summary>Parses an integer argument, or replies Redis's error and returns false.</summary>
    public bool TryInt64(int index, out long value)
    {
        if (RedisNumber.TryParseInt64(Args[index], out value))
            return true;
        Output.WriteError(Errors.NotInteger);
        return false;
    }

    /// <summary>A keyspace notification for a key this command changed (free while notifications are off).</summary>
    public void Notify(PubSub.NotifyClass type, ReadOnlySpan<byte> evt, ReadOnlySpan<byte> key) => Keyspace.Notify(type, evt, key);

    /// <summary>A notification whose event is the command's own name in lower case (HDEL → "hdel", ZUNIONSTORE → "zunionstore").</summary>
    public void NotifyAsCommand(PubSub.NotifyClass type, ReadOnlySpan<byte> key) => Keyspace.Notify(type, LowerNames[Spec.Index], key);

    /// <summary>A notification whose event is built from text (only when its class is on).</summary>
    public void Notify(PubSub.NotifyClass type, string evt, ReadOnlySpan<byte> key)
    {
        if (Keyspace.Database.Events.Wants(type))
            Keyspace.Notify(type, Encoding.ASCII.GetBytes(evt), key);
    }

    private static readonly byte[][] LowerNames = [.. CommandTable.All.Select(spec => Encoding.ASCII.GetBytes(spec.Name.ToLowerInvariant()))];

    public void WrongArity() => Output.WriteError(CommandErrors.WrongArgs(Spec.Name));
}
