namespace Istore.Node.Engine;

/// <summary>The type of the value at a key, as TYPE names it.</summary>
public enum KeyType
{
    None,
    String,
}

public static class KeyTypeNames
{
    public static string Name(this KeyType type) => type switch
    {
        KeyType.String => "string",
        _ => "none",
    };

    /// <summary>A type name as TYPE prints it (any case); false for names this node does not store.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out KeyType type)
    {
        type = System.Text.Ascii.EqualsIgnoreCase(name, "string"u8) ? KeyType.String : KeyType.None;
        return type != KeyType.None;
    }
}
