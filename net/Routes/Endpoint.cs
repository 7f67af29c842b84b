using System.Globalization;

namespace Istore.Net.Routes;

/// <summary>A backend address "host:port".</summary>
public sealed record Endpoint(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";

    public static bool TryParse(string text, out Endpoint endpoint)
    {
        endpoint = null!;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is 0 or > 65535)
            return false;
        endpoint = new Endpoint(text[..colon].Trim('[', ']'), port);
        return true;
    }
}
