using System.Runtime.CompilerServices;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Engine.Memory;

/// <summary>
/// FASTER's log, seen for its errors: a page or checkpoint-snapshot write that fails (a full disk)
/// is only logged by FASTER, and the checkpoint still completes. Counting them lets the engine
/// refuse a checkpoint during which one happened instead of trusting a snapshot with holes.
/// Errors and warnings go on to the node's log.
/// </summary>
internal sealed class FasterErrors(ILogger? forward) : ILogger
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public string? Last { get; private set; }

    /// <summary>Gives FASTER this logger: its settings take one only through a constructor that also makes its own devices.</summary>
    public void Attach(FasterKVSettings<SpanByte, SpanByte> settings) => SettingsLogger(settings) = this;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "logger")]
    private static extern ref ILogger SettingsLogger(FasterKVSettings<SpanByte, SpanByte> settings);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Warning)
            return;
        string message = formatter(state, exception);
        if (logLevel >= LogLevel.Error)
        {
            Last = message;
            Interlocked.Increment(ref _count);
        }
        forward?.Log(logLevel, eventId, "FASTER: {Message}", message);
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
}
