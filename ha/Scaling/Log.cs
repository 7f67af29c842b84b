using Microsoft.Extensions.Logging;

namespace Istore.Ha.Scaling;

/// <summary>What scaling did.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Scaling {Tenant}: {Step}")]
    public static partial void ScaleStep(ILogger logger, string tenant, string step);

    [LoggerMessage(LogLevel.Error, "Scaling {Tenant} failed: {Error}")]
    public static partial void ScaleFailed(ILogger logger, string tenant, string error);

    [LoggerMessage(LogLevel.Warning, "Scaling {Tenant}: could not guard {Node}; trying again in a second")]
    public static partial void GuardFailed(ILogger logger, string tenant, string node);
}
