namespace Istore.Node.Persistence;

/// <summary>Redis's appendfsync: when the append-only log is forced to disk.</summary>
public enum FsyncPolicy
{
    /// <summary>Before any reply of a batch that wrote (group commit): nothing acknowledged is lost.</summary>
    Always,

    /// <summary>Written to the OS before replying, fsync'd once a second: a process crash loses nothing, a power loss about a second.</summary>
    EverySec,

    /// <summary>Written to the OS before replying; the OS decides when to sync.</summary>
    No,
}
