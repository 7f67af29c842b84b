namespace Istore.Net.Commands;

/// <summary>The types of COMMAND DOCS arguments, as Redis 7 names them.</summary>
public enum ArgumentType { String, Integer, Double, Key, Pattern, UnixTime, PureToken, OneOf, Block }

/// <summary>An argument's flags, in COMMAND DOCS's order.</summary>
[Flags]
public enum ArgumentFlags
{
    None = 0,
    Optional = 1 << 0,
    Multiple = 1 << 1,
    /// <summary>The token repeats with each value (SORT's GET pattern [GET pattern …]).</summary>
    MultipleToken = 1 << 2,
}

/// <summary>
/// One node of a command's argument tree (COMMAND DOCS's "arguments"): a leaf (string, integer,
/// key, pure-token…) or a group of nested <see cref="Arguments"/> (oneof, block). Declared in the
/// table in a short notation, see <see cref="ArgumentNotation"/>.
/// </summary>
public sealed record CommandArgument(string Name, ArgumentType Type)
{
    /// <summary>The literal word that introduces the argument (EX seconds), or the whole of a pure-token.</summary>
    public string? Token { get; init; }

    /// <summary>The key spec (COMMAND INFO's key_specs) that finds this argument; -1 for none.</summary>
    public int KeySpecIndex { get; init; } = -1;

    /// <summary>The version that added the argument, when later than the command's.</summary>
    public string? Since { get; init; }

    public string? DeprecatedSince { get; init; }

    public ArgumentFlags Flags { get; init; }

    /// <summary>The members of a oneof or a block; empty for a leaf.</summary>
    public IReadOnlyList<CommandArgument> Arguments { get; init; } = [];

    public bool IsGroup => Type is ArgumentType.OneOf or ArgumentType.Block;

    /// <summary>The type as COMMAND DOCS spells it.</summary>
    public string TypeName => Type switch
    {
        ArgumentType.UnixTime => "unix-time",
        ArgumentType.PureToken => "pure-token",
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The flags' names in COMMAND DOCS's order.</summary>
    public IEnumerable<string> FlagNames()
    {
        if ((Flags & ArgumentFlags.Optional) != 0)
            yield return "optional";
        if ((Flags & ArgumentFlags.Multiple) != 0)
            yield return "multiple";
        if ((Flags & ArgumentFlags.MultipleToken) != 0)
            yield return "multiple_token";
    }
}
