namespace Istore.Ha.Probing;

/// <summary>The "field:value" lines of an INFO reply.</summary>
internal static class InfoFields
{
    public static Dictionary<string, string> Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[0] != '#')
                fields[line[..colon]] = line[(colon + 1)..].TrimEnd('\r');
        }
        return fields;
    }
}
