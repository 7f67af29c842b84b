using Microsoft.Extensions.Logging;

namespace Istore.Ha.Scaling;

/// <summary>What scaling did.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Scaling {Tenant}: {Step}")]
    public static partial void ScaleStep(ILogger logger, string tenant, string step);

    [LoggerMessage(LogLevel.Error, "Scaling {Tenant} failed: {Error}")]
    public static partial void ScaleFailed(ILogger logger, string tenant, string error);

    [LoggerMessage(LogLevel.Warning, "Tenant {Tenant}: could not set the shard guard of {Node}; trying again")]
    public static partial void GuardFailed(ILogger logger, string tenant, string node);

    [LoggerMessage(LogLevel.Information, "Tenant {Tenant}: the shard guard of {Node} is now {Guard}")]
    public static partial void GuardSet(ILogger logger, string tenant, string node, string guard);
}
