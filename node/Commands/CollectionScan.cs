using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>HSCAN, SSCAN and ZSCAN: key cursor [MATCH pattern] [COUNT count], each step taken by the collection of either engine.</summary>
public static class CollectionScan
{
    /// <summary>One scan step over the <typeparamref name="TObject"/> at argument 1, by <paramref name="step"/> (returns the next cursor).</summary>
    public static void Execute<TObject>(CommandContext c, Func<TObject, ScanArguments, List<byte[]>, ulong> step) where TObject : StoredObject
    {
        if (!ScanArguments.TryParse(c, 2, allowType: false, out var scan))
            return;
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out TObject? collection))
            return;
        var found = new List<byte[]>();
        ulong next = collection is null ? 0 : step(collection, scan, found);
        WriteReply(c, next, found);
    }

    public static void WriteReply(CommandContext c, ulong next, List<byte[]> items)
    {
        c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        c.Output.WriteArrayHeader(items.Count);
        foreach (var item in items)
            c.Output.WriteBulkString(item);
    }
}
