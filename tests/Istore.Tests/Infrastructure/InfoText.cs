namespace Istore.Tests.Infrastructure;

/// <summary>Reads INFO's "name:value" lines (section headers and blank lines skipped).</summary>
public static class InfoText
{
    public static Dictionary<string, string> Fields(string info) =>
        info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
}
