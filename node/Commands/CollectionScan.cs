namespace Istore.Node.Commands;

/// <summary>The reply of HSCAN, SSCAN and ZSCAN: the next cursor, then the items found.</summary>
public static class CollectionScan
{
    public static void WriteReply(CommandContext c, ulong next, List<byte[]> items)
    {
        c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        c.Output.WriteArrayHeader(items.Count);
        foreach (var item in items)
            c.Output.WriteBulkString(item);
    }
}
