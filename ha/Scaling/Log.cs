using Microsoft.Extensions.Logging;

namespace Istore.Ha.Scaling;

/// <summary>What scaling did.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Scaling {Tenant}: {Step}")]
    public static partial void ScaleStep(ILogger logger, string tenant, string step);

    [LoggerMessage(LogLevel.Error, "Scaling {Tenant} failed: {Error}")]
    public static partial void ScaleFailed(ILogger logger, string tenant, string error);
}
