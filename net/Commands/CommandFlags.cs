namespace Istore.Net.Commands;

/// <summary>Command flags as Redis's COMMAND reports them (lower-case names on the wire).</summary>
[Flags]
public enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    Fast = 1 << 9,
    /// <summary>Allowed before AUTH (AUTH, HELLO, QUIT…).</summary>
    NoAuth = 1 << 10,
    /// <summary>Allowed inside MULTI only as a transaction command itself.</summary>
    NoMulti = 1 << 11,
    AllowBusy = 1 << 12,
    /// <summary>Not shown to MONITOR as itself (EVAL: its script's commands are).</summary>
    SkipMonitor = 1 << 13,
    /// <summary>Not logged by SLOWLOG as itself (EXEC: its commands are).</summary>
    SkipSlowlog = 1 << 14,
    /// <summary>May name no keys at all (EVAL "…" 0): COMMAND GETKEYS then answers an empty list.</summary>
    NoMandatoryKeys = 1 << 15,
    /// <summary>Refused while a replica loads its master's data asynchronously (SAVE, REPLICAOF…).</summary>
    NoAsyncLoading = 1 << 16,
}
