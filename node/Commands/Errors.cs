namespace Istore.Node.Commands;

/// <summary>Redis 7's error replies, word for word (clients and tests match on them); those about a command's shape are <see cref="CommandErrors"/>, shared with the proxy.</summary>
public static class Errors
{
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string NaNOrInfinity = "ERR increment would produce NaN or Infinity";
    /// <summary>A write refused while the data is over maxmemory and the policy finds nothing to evict.</summary>
    public const string OutOfMemory = "OOM command not allowed when used memory > 'maxmemory'.";

    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string NoSuchKey = "ERR no such key";
    public const string TooLarge = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public const string OffsetOutOfRange = "ERR offset is out of range";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
    public const string NoPasswordSet = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
    public const string NoProto = "NOPROTO unsupported protocol version";
    public const string DbIndexOutOfRange = "ERR DB index is out of range";
    public const string InvalidCursor = "ERR invalid cursor";
    public const string SameObject = "ERR source and destination objects are the same";

    public static string InvalidExpireTime(string command) => $"ERR invalid expire time in '{command.ToLowerInvariant()}' command";
}
