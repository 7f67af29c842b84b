namespace Istore.Net.Commands;

/// <summary>
/// What every server needs to know about a command without executing it: arity (Redis's rule:
/// positive = exactly that many arguments including the name, negative = at least that many),
/// flags, and where its keys are (first, last — negative counts from the end — and step).
/// </summary>
public sealed record CommandSpec(
    string Name,
    int Arity,
    CommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    string Group,
    string Summary)
{
    /// <summary>Position in <see cref="CommandTable.All"/>: servers index their handler arrays with it.</summary>
    public int Index { get; internal set; }

    public bool HasKeys => FirstKey > 0 || NumKeysAt > 0;

    /// <summary>
    /// For commands whose keys are counted by an argument (LMPOP, ZUNIONSTORE, BLMPOP…): the
    /// position of that count; the keys follow it. 0 when the command has no such argument.
    /// Keys at FirstKey..LastKey (a destination, say) come on top.
    /// </summary>
    public int NumKeysAt { get; init; }

    /// <summary>True when key positions depend on the arguments (Redis's "movablekeys").</summary>
    public bool MovableKeys => NumKeysAt > 0;

    /// <summary>Every argument index holding a key, for routing; a bad count yields what can be found.</summary>
    public void CollectKeyIndexes(Resp.CommandArgs args, List<int> into)
    {
        var range = GetKeyRange(args.Count);
        for (int i = range.First; range.Count > 0 && i <= range.Last; i += range.Step)
            into.Add(i);
        if (NumKeysAt <= 0 || NumKeysAt >= args.Count || !long.TryParse(args[NumKeysAt], out long count) || count <= 0)
            return;
        for (long i = NumKeysAt + 1; i <= NumKeysAt + count && i < args.Count; i++)
            into.Add((int)i);
    }

    /// <summary>True when <paramref name="argCount"/> (name included) satisfies the arity.</summary>
    public bool AcceptsArgCount(int argCount) => Arity >= 0 ? argCount == Arity : argCount >= -Arity;

    /// <summary>The argument indexes holding keys, for a command of <paramref name="argCount"/> arguments.</summary>
    public KeyRange GetKeyRange(int argCount)
    {
        if (FirstKey <= 0 || argCount <= FirstKey)
            return default;
        int last = LastKey >= 0 ? Math.Min(LastKey, argCount - 1) : argCount + LastKey;
        return new KeyRange(FirstKey, last, Step);
    }
}

/// <summary>Key positions of one command instance: first..last inclusive, every step.</summary>
public readonly record struct KeyRange(int First, int Last, int Step)
{
    public int Count => Step == 0 || Last < First ? 0 : (Last - First) / Step + 1;
}
