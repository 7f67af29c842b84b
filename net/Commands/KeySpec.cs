namespace Istore.Net.Commands;

/// <summary>Redis 7's per-key flags, in the order COMMAND INFO names them.</summary>
[Flags]
public enum KeySpecFlags
{
    None = 0,
    RO = 1 << 0,
    RW = 1 << 1,
    OW = 1 << 2,
    RM = 1 << 3,
    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,
    NotKey = 1 << 8,
    Incomplete = 1 << 9,
    VariableFlags = 1 << 10,
}

/// <summary>How a key spec finds where its keys begin: at an index, after a keyword, or not knowably.</summary>
public enum BeginSearchType { Unknown, Index, Keyword }

/// <summary>How a key spec finds its keys from there: a range, a count argument, or not knowably.</summary>
public enum FindKeysType { Unknown, Range, KeyNum }

/// <summary>
/// One Redis 7 key specification (COMMAND INFO's key_specs): what the command does to the keys
/// (<see cref="Flags"/>), where they begin (an <see cref="Index"/>, or a <see cref="Keyword"/>
/// searched from <see cref="StartFrom"/>, backwards when negative) and how many follow (a range up
/// to <see cref="LastKey"/> every <see cref="KeyStep"/>, with <see cref="Limit"/>; or a count at
/// <see cref="KeyNumIndex"/> with the first key at <see cref="FirstKey"/>, both relative to the begin).
/// Declared in the table in a short notation, see <see cref="KeySpecNotation"/>.
/// </summary>
public sealed record KeySpec(KeySpecFlags Flags, string? Notes)
{
    public BeginSearchType Begin { get; init; }
    public int Index { get; init; }
    public string Keyword { get; init; } = "";
    public int StartFrom { get; init; }
    public FindKeysType Find { get; init; }
    public int LastKey { get; init; }
    public int KeyStep { get; init; } = 1;
    public int Limit { get; init; }
    public int KeyNumIndex { get; init; }
    public int FirstKey { get; init; }

    /// <summary>
    /// Adds the key indexes this spec finds in <paramref name="args"/> (the command's name at
    /// <paramref name="first"/>, indexes relative to it), as Redis's getKeysUsingKeySpecs reads a
    /// spec; false when it cannot tell (unknown, a bad count, out of range) or is incomplete.
    /// </summary>
    public bool FindKeyIndexes(Resp.CommandArgs args, int first, List<int> into)
    {
        int count = args.Count - first;
        int begin;
        switch (Begin)
        {
            case BeginSearchType.Index:
                begin = Index;
                break;
            case BeginSearchType.Keyword:
                begin = FindKeyword(args, first, count);
                if (begin == 0)
                    return true;   // no keyword, no keys: not an error
                break;
            default:
                return false;
        }
        int last, step;
        switch (Find)
        {
            case FindKeysType.Range:
                step = KeyStep;
                last = LastKey >= 0 ? begin + LastKey
                    : Limit == 0 ? count + LastKey
                    : begin + (count - begin) / Limit + LastKey;
                break;
            case FindKeysType.KeyNum:
                step = KeyStep;
                if (begin + KeyNumIndex >= count || !long.TryParse(args[first + begin + KeyNumIndex], out long keys) || keys < 0 || keys > count)
                    return false;
                begin += FirstKey;
                last = begin + (int)keys * step - step;   // the last key's position, counted in steps
                if (keys == 0)
                    return true;
                break;
            default:
                return false;
        }
        if (begin >= count || last >= count || last < begin)
            return false;
        for (int i = begin; i <= last; i += step)
            into.Add(i);
        return (Flags & KeySpecFlags.Incomplete) == 0;
    }

    private int FindKeyword(Resp.CommandArgs args, int first, int count)
    {
        int from = StartFrom > 0 ? StartFrom : count + StartFrom;
        int direction = StartFrom > 0 ? 1 : -1;
        for (int i = from; i >= 1 && i < count; i += direction)
            if (System.Text.Ascii.EqualsIgnoreCase(args[first + i], Keyword))
                return i + 1;
        return 0;
    }
}
