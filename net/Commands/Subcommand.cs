namespace Istore.Net.Commands;

/// <summary>
/// One subcommand of a container command (CLIENT KILL, CONFIG GET…) as Redis 7 declares it: ACL
/// rules name it "container|sub" (+config|get) and categories reach it on its own; COMMAND LIST
/// lists it and COMMAND DOCS documents it inside its container.
/// </summary>
public sealed record Subcommand(string Container, string Name, AclCategory Categories, string Summary, CommandDocs Docs)
{
    /// <summary>"container|sub" in lowercase, as Redis names the subcommand.</summary>
    public string FullName { get; } = (Container + "|" + Name).ToLowerInvariant();
}
