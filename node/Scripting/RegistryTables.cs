using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// The compiled EVAL scripts and the function callbacks, by key, each in a table of its own in the
/// Lua registry: a flush replaces the table, so the memory of every entry it ever held goes with
/// it. (Entries set to nil in the registry itself leave the hash part they grew behind — what
/// Redis frees by starting a new interpreter.)
/// </summary>
internal static class RegistryTables
{
    public const string Scripts = "istore_scripts", Functions = "istore_functions";

    /// <summary>Pushes <paramref name="table"/>[<paramref name="key"/>].</summary>
    public static void Get(nint L, string table, string key)
    {
        Push(L, table);
        GetField(L, -1, key);
        Replace(L, -2);
    }

    /// <summary>Pops the value on top of the stack into <paramref name="table"/>[<paramref name="key"/>].</summary>
    public static void Set(nint L, string table, string key)
    {
        Push(L, table);
        PushValue(L, -2);
        SetField(L, -2, key);
        Pop(L, 2);
    }

    /// <summary>Replaces <paramref name="table"/> with an empty one.</summary>
    public static void Reset(nint L, string table)
    {
        CreateTable(L, 0, 0);
        SetField(L, RegistryIndex, table);
    }

    private static void Push(nint L, string table)
    {
        GetField(L, RegistryIndex, table);
        if (Type(L, -1) == TypeTable)
            return;
        Pop(L, 1);
        Reset(L, table);
        GetField(L, RegistryIndex, table);
    }
}
