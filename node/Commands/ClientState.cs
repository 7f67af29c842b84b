namespace Istore.Node.Commands;

/// <summary>What the node remembers about one client connection (CLIENT LIST shows most of it).</summary>
public sealed class ClientState
{
    public bool Authenticated { get; set; }

    public string? Name { get; set; }

    public string LastCommand { get; set; } = "NULL";

    public bool NoEvict { get; set; }

    public bool NoTouch { get; set; }
}
