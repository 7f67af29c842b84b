namespace Istore.Node.Scripting;

/// <summary>The flags a script declares in its <c>#!lua flags=…</c> shebang (or a function in register_function).</summary>
[Flags]
internal enum ScriptFlags
{
    None = 0,
    NoWrites = 1 << 0,
    AllowOom = 1 << 1,
    AllowStale = 1 << 2,
    NoCluster = 1 << 3,
    AllowCrossSlotKeys = 1 << 4,
    /// <summary>No shebang: Redis's backwards-compatible EVAL mode, which declares nothing.</summary>
    EvalCompat = 1 << 5,
}

/// <summary>Parses shebangs and flag names as Redis 7 does (evalExtractShebangFlags).</summary>
internal static class ScriptShebang
{
    private static readonly (string Name, ScriptFlags Flag)[] Names =
    [
        ("no-writes", ScriptFlags.NoWrites), ("allow-oom", ScriptFlags.AllowOom), ("allow-stale", ScriptFlags.AllowStale),
        ("no-cluster", ScriptFlags.NoCluster), ("allow-cross-slot-keys", ScriptFlags.AllowCrossSlotKeys),
    ];

    public static bool TryFlag(string name, out ScriptFlags flag)
    {
        foreach (var (n, f) in Names)
            if (n == name)
            {
                flag = f;
                return true;
            }
        flag = ScriptFlags.None;
        return false;
    }

    /// <summary>The flags of an EVAL body and the shebang's length (its newline stays, keeping line numbers); null error on success.</summary>
    public static string? Parse(ReadOnlySpan<byte> body, out ScriptFlags flags, out int shebangLength)
    {
        flags = ScriptFlags.EvalCompat;
        shebangLength = 0;
        if (!body.StartsWith("#!"u8))
            return null;
        int end = body.IndexOf((byte)'\n');
        if (end < 0)
            return "Invalid script shebang";
        shebangLength = end;
        var parts = System.Text.Encoding.UTF8.GetString(body[..end]).Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return "Invalid engine in script shebang";
        if (parts[0] != "#!lua")
            return $"Unexpected engine in script shebang: {parts[0]}";
        flags = ScriptFlags.None;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("flags=", StringComparison.Ordinal))
                return $"Unknown lua shebang option: {part}";
            foreach (var name in part[6..].Split(','))
            {
                if (name.Length == 0)
                    continue;
                if (!TryFlag(name, out var flag))
                    return $"Unexpected flag in script shebang: {name}";
                flags |= flag;
            }
        }
        return null;
    }
}
