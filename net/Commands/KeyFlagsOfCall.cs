namespace Istore.Net.Commands;

/// <summary>
/// What one call does to one of its keys (COMMAND GETKEYSANDFLAGS): the flags of the first key
/// spec that finds that key; for a key no spec can place (SORT's STORE), the last spec that could
/// not tell; for the commands whose specs say variable_flags, what the arguments make of it.
/// </summary>
public static class KeyFlagsOfCall
{
    /// <summary>The flags of the key at <paramref name="keyIndex"/> of the call at <paramref name="first"/> in <paramref name="args"/>.</summary>
    public static KeySpecFlags Of(CommandSpec spec, Resp.CommandArgs args, int first, int keyIndex)
    {
        if (spec.KeySpecs.Any(k => (k.Flags & KeySpecFlags.VariableFlags) != 0))
            return Variable(spec, args, first);
        var found = new List<int>();
        KeySpec? undecided = null;
        foreach (var keySpec in spec.KeySpecs)
        {
            found.Clear();
            if (!keySpec.FindKeyIndexes(args, first, found))
                undecided = keySpec;
            if (found.Contains(keyIndex))
                return Settled(keySpec.Flags);
        }
        return Settled((undecided ?? spec.KeySpecs[0]).Flags);
    }

    private static KeySpecFlags Settled(KeySpecFlags flags) => flags & ~(KeySpecFlags.Incomplete | KeySpecFlags.VariableFlags);

    /// <summary>SET reads its key only with GET; BITFIELD writes it only with SET or INCRBY (or a syntax error, to be safe), as Redis's getkeys procedures say.</summary>
    private static KeySpecFlags Variable(CommandSpec spec, Resp.CommandArgs args, int first)
    {
        const KeySpecFlags ReadWrite = KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update;
        int count = args.Count - first;
        if (spec.Name == "SET")
        {
            for (int i = 3; i < count; i++)
                if (System.Text.Ascii.EqualsIgnoreCase(args[first + i], "GET"u8))
                    return ReadWrite;
            return KeySpecFlags.OW | KeySpecFlags.Update;
        }
        if (spec.Name != "BITFIELD")
            return Settled(spec.KeySpecs[0].Flags);
        for (int i = 2; i < count; i++)
        {
            var arg = args[first + i];
            int remaining = count - i - 1;
            if (System.Text.Ascii.EqualsIgnoreCase(arg, "GET"u8) && remaining >= 2)
                i += 2;
            else if (System.Text.Ascii.EqualsIgnoreCase(arg, "OVERFLOW"u8) && remaining >= 1)
                i += 1;
            else
                return ReadWrite;   // SET, INCRBY, or a syntax error: assume a write
        }
        return KeySpecFlags.RO | KeySpecFlags.Access;
    }
}
