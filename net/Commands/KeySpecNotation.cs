using System.Globalization;

namespace Istore.Net.Commands;

/// <summary>
/// The table's short form of key specs: specs separated by ';', each its flags as Redis names them
/// (RO RW OW RM access update insert delete not_key incomplete variable_flags), then where the keys
/// begin — <c>i1</c> (index 1), <c>kSTREAMS,1</c> (keyword, start from), <c>?</c> (unknown) — and
/// how they continue — <c>r0,1,0</c> (range: last key, step, limit), <c>n0,1,1</c> (count at, first
/// key, step) — then <c># notes</c>. Without a begin, the spec covers the command's first/last/step
/// range (most commands: "RO access"); a begin without a continuation is one key (r0,1,0).
/// </summary>
public static class KeySpecNotation
{
    private static readonly (string Name, KeySpecFlags Flag)[] FlagNames =
    [
        ("RO", KeySpecFlags.RO), ("RW", KeySpecFlags.RW), ("OW", KeySpecFlags.OW), ("RM", KeySpecFlags.RM),
        ("access", KeySpecFlags.Access), ("update", KeySpecFlags.Update), ("insert", KeySpecFlags.Insert),
        ("delete", KeySpecFlags.Delete), ("not_key", KeySpecFlags.NotKey), ("incomplete", KeySpecFlags.Incomplete),
        ("variable_flags", KeySpecFlags.VariableFlags),
    ];

    /// <summary>The flags' names in COMMAND INFO's order.</summary>
    public static IEnumerable<string> Describe(KeySpecFlags flags) =>
        FlagNames.Where(f => (flags & f.Flag) != 0).Select(f => f.Name);

    /// <summary>Parses <paramref name="notation"/> for <paramref name="command"/>, whose first/last/step fill a spec without positions.</summary>
    public static KeySpec[] Parse(string notation, CommandSpec command) =>
        notation.Split(';', StringSplitOptions.TrimEntries).Select(s => ParseOne(s, command)).ToArray();

    private static KeySpec ParseOne(string text, CommandSpec command)
    {
        string? notes = null;
        int hash = text.IndexOf('#');
        if (hash >= 0)
        {
            notes = text[(hash + 1)..].Trim();
            text = text[..hash];
        }
        var flags = KeySpecFlags.None;
        var spec = new KeySpec(flags, notes);
        bool positioned = false, continued = false;
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var named = FlagNames.FirstOrDefault(f => f.Name == token);
            if (named.Name is not null)
            {
                flags |= named.Flag;
                continue;
            }
            int[] n = token.Length > 1 && token[0] != 'k' ? Numbers(token[1..], command) : [];
            switch (token[0])
            {
                case '?':
                    spec = spec with { Begin = BeginSearchType.Unknown, Find = FindKeysType.Unknown };
                    positioned = continued = true;
                    break;
                case 'i' when n.Length == 1:
                    spec = spec with { Begin = BeginSearchType.Index, Index = n[0] };
                    positioned = true;
                    break;
                case 'k':
                    int comma = token.LastIndexOf(',');
                    spec = spec with
                    {
                        Begin = BeginSearchType.Keyword, Keyword = token[1..comma],
                        StartFrom = int.Parse(token[(comma + 1)..], CultureInfo.InvariantCulture),
                    };
                    positioned = true;
                    break;
                case 'r' when n.Length == 3:
                    spec = spec with { Find = FindKeysType.Range, LastKey = n[0], KeyStep = n[1], Limit = n[2] };
                    continued = true;
                    break;
                case 'n' when n.Length == 3:
                    spec = spec with { Find = FindKeysType.KeyNum, KeyNumIndex = n[0], FirstKey = n[1], KeyStep = n[2] };
                    continued = true;
                    break;
                default:
                    throw Bad(command, token);
            }
        }
        if (!positioned)
        {
            if (continued || command.FirstKey <= 0)
                throw Bad(command, text);
            int last = command.LastKey < 0 ? command.LastKey : command.LastKey - command.FirstKey;
            spec = spec with { Begin = BeginSearchType.Index, Index = command.FirstKey, Find = FindKeysType.Range, LastKey = last, KeyStep = command.Step };
        }
        else if (!continued)
        {
            spec = spec with { Find = FindKeysType.Range, LastKey = 0, KeyStep = 1, Limit = 0 };
        }
        return spec with { Flags = flags };
    }

    private static int[] Numbers(string text, CommandSpec command)
    {
        var parts = text.Split(',');
        var numbers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]))
                throw Bad(command, text);
        return numbers;
    }

    private static InvalidOperationException Bad(CommandSpec command, string text) =>
        new($"{command.Name}: bad key spec notation '{text}'");
}
