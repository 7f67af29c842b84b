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

    public static bool TryParse(ReadOnlySpan<byte> name, out KeyType type)
    {
        type = KeyType.None;
        if (name.EqualsIgnoreCase("string"u8)) type = KeyType.String;
        return type != KeyType.None;
    }

    private static bool EqualsIgnoreCase(this ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        System.Text.Ascii.EqualsIgnoreCase(a, b);
}
