namespace Istore.Node.Hosting;

/// <summary>Redis-style sizes: "1048576", "512kb", "64mb", "4gb" (also k/m/g, any case).</summary>
public static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim().ToLowerInvariant();
        long unit = 1;
        foreach (var (suffix, size) in new[] { ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10) })
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = size;
                text = text[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(text, out long number) || number <= 0 || number > long.MaxValue / unit)
            return false;
        bytes = number * unit;
        return true;
    }
}
