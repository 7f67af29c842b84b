namespace Istore.Net.Server;

/// <summary>Redis's memtoull: a memory amount in configuration values.</summary>
public static class MemoryAmount
{
    /// <summary>Digits, then nothing or b, k, kb, m, mb, g, gb in any case (k = 1000, kb = 1024…).</summary>
    public static bool TryParse(string value, out decimal bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
            digits++;
        decimal unit = value[digits..].ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000m * 1000 * 1000,
            "gb" => 1024m * 1024 * 1024,
            _ => 0,
        };
        if (unit == 0 || digits > 20 || !decimal.TryParse(digits == 0 ? "0" : value[..digits], out decimal n) || n > ulong.MaxValue)
            return false;
        bytes = n * unit;
        return true;
    }
}
