using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Keyspace;

namespace Istore.Node.Hosting;

/// <summary>
/// Once the memory engine's log has spilled past <c>--maxmemory</c>, a write command reads its keys'
/// spilled records back before it takes the lock (<see cref="KeyspaceSession.FetchKeys"/>): one disk
/// read after another on the event loop through a pipeline of writes. So when a write is about to
/// run, the write requests the client pipelined behind it (up to <see cref="MaxRequests"/>) have
/// their keys' reads started with its own, and all are waited for at once. Each command still
/// fetches its own keys, then found in memory; a request counted here and not run as counted (held,
/// retried) only costs a fetch later.
/// </summary>
internal sealed class PipelinedFetches
{
    private const int MaxRequests = 64;

    private readonly CommandArgs _ahead = new();
    private Connection? _for;

    /// <summary>Requests of <see cref="_for"/>'s input whose keys were fetched and that have not run yet.</summary>
    private int _left;

    /// <summary>A top-level request of <paramref name="connection"/> is about to run.</summary>
    public void BeforeRequest(KeyspaceSession keyspace, Connection connection, CommandSpec spec, CommandArgs args)
    {
        if (_for == connection && _left > 0)
        {
            _left--;
            return;
        }
        _for = null;
        var frame = args.Frame;
        if ((spec.Flags & CommandFlags.Write) == 0 || !keyspace.HasSpilled || frame.IsEmpty
            || !Unsafe.AreSame(ref MemoryMarshal.GetReference(frame), ref MemoryMarshal.GetReference(connection.PendingInput)))
            return;   // not a write, nothing on disk, or not the request at the head of the input
        keyspace.StartFetchKeys(spec, args);
        int offset = frame.Length, requests = 0;
        while (requests < MaxRequests && connection.PeekRequest(offset, _ahead, RespLimits.Default, out int consumed) == ParseResult.Complete)
        {
            offset += consumed;
            requests++;
            if (_ahead.Count > 0 && CommandTable.Find(_ahead[0]) is { } next && (next.Flags & CommandFlags.Write) != 0 && next.AcceptsArgCount(_ahead.Count))
                keyspace.StartFetchKeys(next, _ahead);
        }
        _ahead.Clear();
        keyspace.FinishFetches();
        (_for, _left) = (connection, requests);
    }

    /// <summary>A new batch of events: the counts of the last one no longer hold.</summary>
    public void Forget() => _for = null;
}
