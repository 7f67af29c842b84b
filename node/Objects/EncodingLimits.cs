namespace Istore.Node.Objects;

/// <summary>
/// Redis's thresholds for the compact (listpack) form of small collections, set by CONFIG
/// (hash-max-listpack-entries and -value, and their set and zset twins): a collection that gets
/// more entries, or an element longer than the value limit, converts to its large form and, as
/// in Redis, never back.
/// </summary>
public static class EncodingLimits
{
    public static int HashEntries { get; set; } = 512;

    public static int HashValue { get; set; } = 64;

    public static int SetEntries { get; set; } = 128;

    public static int SetValue { get; set; } = 64;

    /// <summary>set-max-intset-entries: a set of integers stays an intset up to this many members.</summary>
    public static int IntsetEntries { get; set; } = 512;

    public static int SortedSetEntries { get; set; } = 128;

    public static int SortedSetValue { get; set; } = 64;

    /// <summary>list-max-listpack-size: a quicklist node's limit, in elements when positive, in bytes (-1 = 4 kB … -5 = 64 kB) when negative.</summary>
    public static int ListNodeFill { get; set; } = -2;
}
