using Microsoft.Extensions.Logging;

namespace Istore.Node.Hosting;

/// <summary>Source-generated log messages (no formatting cost when the level is off, AOT-safe).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "istore-node {Version} ({Engine} engine) listening on {Endpoint}, {Threads} event loop(s), data in {Directory}")]
    public static partial void Listening(ILogger logger, string version, string engine, string endpoint, int threads, string directory);

    [LoggerMessage(2, LogLevel.Information, "Recovered {Keys} keys: checkpoint {Checkpoint}, {Records} log records replayed in {Ms} ms")]
    public static partial void Recovered(ILogger logger, long keys, string checkpoint, long records, long ms);

    [LoggerMessage(3, LogLevel.Information, "Checkpoint done in {Ms} ms; log continues in segment {Segment}")]
    public static partial void CheckpointDone(ILogger logger, long ms, long segment);

    [LoggerMessage(4, LogLevel.Error, "Checkpoint failed")]
    public static partial void CheckpointFailed(ILogger logger, Exception ex);

    [LoggerMessage(5, LogLevel.Error, "Command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, string command, Exception ex);

    [LoggerMessage(6, LogLevel.Information, "Shutting down: flushing the log and taking a checkpoint")]
    public static partial void ShuttingDown(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Ready to accept connections")]
    public static partial void Ready(ILogger logger);

    [LoggerMessage(8, LogLevel.Error, "Background {Task} failed")]
    public static partial void BackgroundFailed(ILogger logger, string task, Exception ex);

    [LoggerMessage(10, LogLevel.Critical, "Stopping: an event loop failed, replies of its last batch were not sent")]
    public static partial void LoopFailed(ILogger logger, Exception ex);

    [LoggerMessage(11, LogLevel.Error, "Closing the {Part} failed")]
    public static partial void CloseFailed(ILogger logger, string part, Exception ex);

    [LoggerMessage(46, LogLevel.Warning, "The engine was left open: work off the event loops (a recall) still read it after {Seconds} s")]
    public static partial void EngineLeftOpen(ILogger logger, double seconds);

    [LoggerMessage(9, LogLevel.Warning, "{Count} replayed log commands answered an error: the log and the checkpoint disagree about them")]
    public static partial void ReplayFailures(ILogger logger, long count);

    [LoggerMessage(EventId = 40, Message = "Script log: {Message}")]
    public static partial void ScriptMessage(ILogger logger, LogLevel level, string message);

    [LoggerMessage(41, LogLevel.Warning, "Slow script detected: still in execution after {Ms} milliseconds. You can try killing the script using the {Kill} command. Script name is: {Name}.")]
    public static partial void SlowScript(ILogger logger, long ms, string kill, string name);

    [LoggerMessage(42, LogLevel.Warning, "Lua script killed by user with {Kill}.")]
    public static partial void ScriptKilled(ILogger logger, string kill);

    [LoggerMessage(43, LogLevel.Warning, "SHUTDOWN NOSAVE while a script runs: exiting now")]
    public static partial void ShutdownNoSaveWhileBusy(ILogger logger);

    [LoggerMessage(45, LogLevel.Information, "Evicting client: {Client}")]
    public static partial void ClientEvicted(ILogger logger, string client);

    [LoggerMessage(44, LogLevel.Warning, "Client id={Id} addr={Address} ({Class}) closed for overcoming of output buffer limits.")]
    public static partial void OutputLimitBroken(ILogger logger, long id, string address, string @class);
}
