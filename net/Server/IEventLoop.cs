namespace Istore.Net.Server;

/// <summary>
/// What an application may do with the event loop that owns a connection, beyond answering
/// commands: watch sockets of its own (a proxy's backend connections) on the same thread, run
/// code at the end of each batch (to send what the batch queued with one send), and post work
/// from other threads.
/// </summary>
public interface IEventLoop
{
    /// <summary>Runs <paramref name="action"/> on the loop's thread (from any thread).</summary>
    void Post(Action action);

    /// <summary>Registers <paramref name="fd"/> for readability (loop thread only); dispose the watch before closing the fd.</summary>
    SocketWatch Watch(int fd, ISocketHandler handler);

    /// <summary>Calls <paramref name="handler"/> once at the end of this loop iteration, before client replies are sent (loop thread only).</summary>
    void AtBatchEnd(IBatchEndHandler handler);

    /// <summary>
    /// From inside a long command on this loop (a busy script): reads the other clients once and
    /// runs what they sent, sending those replies at once — the application answers them -BUSY or
    /// lets them stop the command. <paramref name="running"/>'s own input waits (Redis's protectClient).
    /// </summary>
    void ProcessEventsWhileBusy(Connection running);
}

/// <summary>A socket the application watches on an event loop.</summary>
public interface ISocketHandler
{
    void OnReady(bool readable, bool writable);
}

public interface IBatchEndHandler
{
    void OnBatchEnd();
}
