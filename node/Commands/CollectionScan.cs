using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>HSCAN, SSCAN and ZSCAN: key cursor [MATCH pattern] [COUNT count] over a collection's <see cref="ScanTable{TEntry}"/>.</summary>
public static class CollectionScan
{
    /// <summary>
    /// Runs one scan step over the <typeparamref name="TObject"/> at argument 1: <paramref name="emit"/>
    /// adds the reply items of each entry whose key matches the pattern.
    /// </summary>
    public static void Execute<TObject, TEntry>(CommandContext c, Func<TObject, ScanTable<TEntry>> tableOf, Action<List<byte[]>, TEntry> emit)
        where TObject : StoredObject where TEntry : struct, IScanEntry =>
        Execute<TObject>(c, (collection, scan, found) => Step(tableOf(collection), scan, found, emit));

    /// <summary>One scan step over the <typeparamref name="TObject"/> at argument 1, by <paramref name="step"/> (returns the next cursor).</summary>
    public static void Execute<TObject>(CommandContext c, Func<TObject, ScanArguments, List<byte[]>, ulong> step) where TObject : StoredObject
    {
        if (!ScanArguments.TryParse(c, 2, allowType: false, out var scan))
            return;
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out TObject? collection))
            return;
        var found = new List<byte[]>();
        ulong next = collection is null ? 0 : step(collection, scan, found);
        WriteReply(c, next, found);
    }

    /// <summary>A scan step over a table: the reply items of each entry whose key matches.</summary>
    public static ulong Step<TEntry>(ScanTable<TEntry> table, ScanArguments scan, List<byte[]> found, Action<List<byte[]>, TEntry> emit)
        where TEntry : struct, IScanEntry
    {
        var collector = new MatchingCollector<TEntry>(found, scan.Pattern, emit);
        return table.Scan(scan.Cursor, scan.Count, ref collector);
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
