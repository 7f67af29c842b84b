using Istore.Net.Resp;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// A reply as comparable text with the values that depend on a clock or on memory layout masked:
/// the value after any of the given map keys (XINFO's "idle", "seen-time"…), and optionally every
/// integer past 10^12 (a Unix time in ms) and the third column of XPENDING's extended rows.
/// </summary>
public static class MaskedReply
{
    public static string Render(RespValue value, IReadOnlySet<string> maskKeys, bool maskTimes = false, bool pendingIdle = false) =>
        Render(value, maskKeys, maskTimes, pendingIdle, depth: 0);

    private static string Render(RespValue value, IReadOnlySet<string> maskKeys, bool maskTimes, bool pendingIdle, int depth)
    {
        if (!value.IsAggregate)
        {
            if (maskTimes && value.Type == RespType.Integer && value.AsInteger() > 1_000_000_000_000)
                return "?";
            return $"{value.Type}:{value.AsString() ?? "nil"}";
        }
        var parts = new List<string>();
        for (int i = 0; i < value.Count; i++)
        {
            bool masked = (i > 0 && value[i - 1].Type == RespType.BulkString && maskKeys.Contains(value[i - 1].AsString()!))
                || (pendingIdle && depth == 1 && i == 2);
            parts.Add(masked ? "?" : Render(value[i], maskKeys, maskTimes, pendingIdle, depth + 1));
        }
        return $"{value.Type}[{string.Join(", ", parts)}]";
    }
}
