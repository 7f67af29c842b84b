namespace Istore.Node.Engine;

/// <summary>The type of the value at a key, as TYPE names it.</summary>
public enum KeyType
{
    None,
    String,
    List,
    Set,
    ZSet,
    Hash,
    RankList,
    Bloom,
    Stream,
}

public static class KeyTypeNames
{
    private static readonly KeyType[] Stored = [KeyType.String, KeyType.List, KeyType.Set, KeyType.ZSet, KeyType.Hash, KeyType.RankList, KeyType.Bloom, KeyType.Stream];

    public static string Name(this KeyType type) => type switch
    {
        KeyType.String => "string",
        KeyType.List => "list",
        KeyType.Set => "set",
        KeyType.ZSet => "zset",
        KeyType.Hash => "hash",
        KeyType.RankList => "ranklist",
        KeyType.Bloom => "MBbloom--",
        KeyType.Stream => "stream",
        _ => "none",
    };

    /// <summary>A type name as TYPE prints it (any case); false for names this node does not store.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out KeyType type)
    {
        foreach (var candidate in Stored)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(name, candidate.Name()))
            {
                type = candidate;
                return true;
            }
        }
        type = KeyType.None;
        return false;
    }
}
