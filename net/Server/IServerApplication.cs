using Istore.Net.Resp;

namespace Istore.Net.Server;

/// <summary>What a server (node, proxy, HA) plugs into the host: one worker per event loop thread.</summary>
public interface IServerApplication
{
    /// <summary>Creates the worker that runs on loop <paramref name="loopIndex"/>; it is only ever called from that thread.</summary>
    ILoopWorker CreateWorker(int loopIndex);
}

/// <summary>
/// Runs commands for the connections of one event loop. All calls come from the loop's own
/// thread, so a worker may keep per-thread state (a storage session) without locks.
/// </summary>
public interface ILoopWorker : IDisposable
{
    void OnOpen(Connection connection);

    /// <summary>Executes one command, writing its reply into <see cref="Connection.Output"/>.</summary>
    void Execute(Connection connection, CommandArgs args);

    void OnClose(Connection connection);

    /// <summary>Once per loop iteration, after the batch ran and before any reply is sent (e.g. to make the batch durable).</summary>
    void BeforeSend();

    /// <summary>
    /// <see cref="BeforeSend"/> from inside a long command on this loop, before the other clients'
    /// replies go out; <paramref name="running"/>'s replies wait for the command's end.
    /// </summary>
    void BeforeSendWhileBusy(Connection running) => BeforeSend();

    /// <summary>Once per loop iteration, when the loop wakes up, before it handles any event (e.g. to take one timestamp for them all).</summary>
    void OnWake()
    {
    }

    /// <summary>Before the commands parsed from one receive run: only parsing lies between them (no system call, no other connection).</summary>
    void OnInput(Connection connection)
    {
    }
}
