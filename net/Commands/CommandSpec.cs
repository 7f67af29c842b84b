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

    /// <summary>
    /// A command is its table row: equal by identity. A record's generated equality compares every
    /// field, and dispatch compares specs (spec == ExecSpec …) on every command.
    /// </summary>
    public bool Equals(CommandSpec? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public bool HasKeys => FirstKey > 0 || NumKeysAt > 0;

    /// <summary>The key specs in <see cref="KeySpecNotation"/>; null for a command without keys.</summary>
    public string? Keys { get; init; }

    /// <summary>Redis 7's key specs (COMMAND INFO, GETKEYSANDFLAGS), parsed from <see cref="Keys"/>.</summary>
    public IReadOnlyList<KeySpec> KeySpecs { get; private set; } = [];

    /// <summary>Redis 7's command tips (nondeterministic_output, request_policy:all_shards…), for clients and COMMAND INFO.</summary>
    public string[] Tips { get; init; } = [];

    /// <summary>What COMMAND DOCS tells beyond the summary and group.</summary>
    public required CommandDocs Docs { get; init; }

    internal void ParseKeySpecs()
    {
        if (Keys is not null)
            KeySpecs = KeySpecNotation.Parse(Keys, this);
    }

    /// <summary>
    /// A container of subcommands (CLIENT, CONFIG, XINFO…): Redis names its calls "container|sub".
    /// The table's subcommand rows make it one (DEBUG, whose summary reads like a container's, has none).
    /// </summary>
    public bool IsContainer { get; internal set; }

    /// <summary>
    /// Flags Redis gives some subcommands beyond their container's own: CLUSTER RESET is no-script,
    /// FUNCTION LOAD and RESTORE deny-oom.
    /// </summary>
    public IReadOnlyList<(string Name, CommandFlags Flags)> SubcommandFlags { get; init; } = [];

    /// <summary>True when the call's subcommand (argument 1) carries <paramref name="flag"/> beyond the container.</summary>
    public bool SubcommandHas(Resp.CommandArgs args, CommandFlags flag)
    {
        if (args.Count < 2)
            return false;
        foreach (var (name, flags) in SubcommandFlags)
            if ((flags & flag) != 0 && System.Text.Ascii.EqualsIgnoreCase(args[1], name))
                return true;
        return false;
    }

    /// <summary>
    /// For commands whose keys are counted by an argument (LMPOP, ZUNIONSTORE, BLMPOP…): the
    /// position of that count; the keys follow it. 0 when the command has no such argument.
    /// Keys at FirstKey..LastKey (a destination, say) come on top.
    /// </summary>
    public int NumKeysAt { get; init; }

    /// <summary>
    /// The stride of the counted keys: 1 when they follow their count back to back; 2 when each is
    /// followed by a value (RL.RECALL's LISTS n key weight [key weight …]), so they sit at
    /// NumKeysAt + 1, + 3, … and the count covers Step × count arguments.
    /// </summary>
    public int NumKeysStep { get; init; } = 1;

    /// <summary>
    /// A keyword followed by a count and that many keys, searched after the counted keys
    /// (RL.RECALL's EXCLUDE m key [key …]); null when the command has none.
    /// </summary>
    public string? KeywordNumKeys { get; init; }

    /// <summary>
    /// A keyword after which the remaining arguments are keys then as many values (XREAD's STREAMS
    /// key [key …] id [id …]): the keys are the first half; null when the command has none.
    /// </summary>
    public string? KeywordHalfKeys { get; init; }

    /// <summary>
    /// Keywords each followed by one key, searched from <see cref="KeywordKeyFrom"/> on: the first
    /// occurrence of each, in keyword order (Redis's keyword key specs: GEORADIUS's STORE and
    /// STOREDIST), or with <see cref="KeywordKeyLastWins"/> only the last of them all (SORT's STORE,
    /// as sortGetKeys). Null when the command has none.
    /// </summary>
    public string[]? KeywordKeys { get; init; }

    /// <summary>See <see cref="KeywordKeys"/>.</summary>
    public bool KeywordKeyLastWins { get; init; }

    /// <summary>
    /// A keyword after which every remaining argument is a key (MIGRATE's KEYS key [key …]), searched
    /// from <see cref="KeywordKeyFrom"/> on; when present, those are the only keys (MIGRATE's key
    /// argument is then ""). Null when the command has none.
    /// </summary>
    public string? KeywordRestKeys { get; init; }

    /// <summary>Where the search for <see cref="KeywordKeys"/> starts (after the fixed arguments).</summary>
    public int KeywordKeyFrom { get; init; }

    /// <summary>
    /// Options whose arguments the search for <see cref="KeywordKeys"/> skips, with their argument
    /// counts (SORT's LIMIT offset count, BY pattern, GET pattern — a pattern may read "STORE").
    /// </summary>
    public IReadOnlyList<(string Option, int Arguments)> KeywordKeySkips { get; init; } = [];

    /// <summary>
    /// True when arguments are patterns that name keys from the data (SORT's BY and GET): no
    /// routing can find those keys, but Redis still reports the command "movablekeys".
    /// </summary>
    public bool PatternKeys { get; init; }

    /// <summary>
    /// True when the "keys" are shard channel names (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH): routing
    /// places them like keys, but they name nothing in the keyspace (Redis's "not_key" key specs;
    /// COMMAND GETKEYS leaves them out).
    /// </summary>
    public bool ChannelKeys { get; init; }

    /// <summary>True when key positions depend on the arguments (Redis's "movablekeys").</summary>
    public bool MovableKeys => NumKeysAt > 0 || KeywordNumKeys is not null || KeywordHalfKeys is not null || KeywordKeys is not null || KeywordRestKeys is not null || PatternKeys;

    /// <summary>
    /// Every argument index holding a key, for routing; a bad count yields what can be found. The
    /// command starts at argument <paramref name="first"/> of <paramref name="args"/> (COMMAND
    /// GETKEYS passes 2) and the indexes are relative to it.
    /// </summary>
    public void CollectKeyIndexes(Resp.CommandArgs args, List<int> into, int first = 0)
    {
        var command = new ArgsView(args, first);
        if (KeywordRestKeys is not null && CollectRest(command, KeywordRestKeys, KeywordKeyFrom, into))
            return;
        var range = GetKeyRange(command.Count);
        for (int i = range.First; range.Count > 0 && i <= range.Last; i += range.Step)
            into.Add(i);
        int searchFrom = CollectCounted(command, NumKeysAt, NumKeysStep, into);
        if (KeywordHalfKeys is not null)
            CollectHalf(command, KeywordHalfKeys, into);
        if (KeywordKeys is not null)
            CollectKeywordKey(command, KeywordKeys, into);
        if (KeywordNumKeys is null)
            return;
        for (int i = searchFrom; i < command.Count - 1; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(command[i], KeywordNumKeys))
            {
                CollectCounted(command, i + 1, 1, into);
                return;
            }
        }
    }

    /// <summary>Adds the first half of the arguments after the last <paramref name="keyword"/> (an odd count has no keys).</summary>
    private static void CollectHalf(ArgsView args, string keyword, List<int> into)
    {
        for (int i = 1; i < args.Count; i++)
        {
            if (!System.Text.Ascii.EqualsIgnoreCase(args[i], keyword))
                continue;
            int rest = args.Count - i - 1;
            if (rest == 0 || rest % 2 != 0)
                return;
            for (int k = i + 1; k <= i + rest / 2; k++)
                into.Add(k);
            return;
        }
    }

    /// <summary>Adds every argument after the first <paramref name="keyword"/> at or after <paramref name="from"/>; false when there is no such keyword.</summary>
    private static bool CollectRest(ArgsView args, string keyword, int from, List<int> into)
    {
        for (int i = from; i < args.Count; i++)
        {
            if (!System.Text.Ascii.EqualsIgnoreCase(args[i], keyword))
                continue;
            for (int k = i + 1; k < args.Count; k++)
                into.Add(k);
            return true;
        }
        return false;
    }

    /// <summary>Adds the keys after <paramref name="keywords"/> (see <see cref="KeywordKeys"/>), skipping the options' own arguments.</summary>
    private void CollectKeywordKey(ArgsView args, string[] keywords, List<int> into)
    {
        int last = -1;
        foreach (var keyword in keywords)
        {
            for (int i = KeywordKeyFrom; i < args.Count - 1; i++)
            {
                int skip = 0;
                foreach (var (option, arguments) in KeywordKeySkips)
                    if (System.Text.Ascii.EqualsIgnoreCase(args[i], option))
                        skip = arguments;
                if (skip > 0)
                {
                    i += skip;
                    continue;
                }
                if (!System.Text.Ascii.EqualsIgnoreCase(args[i], keyword))
                    continue;
                if (!KeywordKeyLastWins)
                {
                    into.Add(i + 1);
                    break;
                }
                last = Math.Max(last, ++i);
            }
        }
        if (last > 0)
            into.Add(last);
    }

    /// <summary>Adds the keys counted by the argument at <paramref name="countAt"/>; returns the index after them.</summary>
    private static int CollectCounted(ArgsView args, int countAt, int step, List<int> into)
    {
        if (countAt <= 0 || countAt >= args.Count || !long.TryParse(args[countAt], out long count) || count <= 0)
            return Math.Max(countAt + 1, 1);
        long end = countAt + Math.Min(count, args.Count) * step;
        for (long i = countAt + 1; i <= end && i < args.Count; i += step)
            into.Add((int)i);
        return (int)Math.Min(end + 1, args.Count);
    }

    private readonly struct ArgsView(Resp.CommandArgs args, int first)
    {
        public int Count => args.Count - first;

        public ReadOnlySpan<byte> this[int index] => args[first + index];
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
