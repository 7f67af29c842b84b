using System.Text;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>A function of a library: its callback lives in the Lua registry under <see cref="RegistryKey"/>.</summary>
internal sealed record LuaFunction(string Name, string Library, ScriptFlags Flags, string? Description)
{
    public string RegistryKey { get; } = "fn_" + Library + "_" + Name;
}

internal sealed record FunctionLibrary(string Name, string Code, IReadOnlyList<LuaFunction> Functions);

/// <summary>FUNCTION RESTORE's policies.</summary>
internal enum RestorePolicy
{
    Append,
    Replace,
    Flush,
}

/// <summary>
/// FUNCTION's libraries and their functions by name (names are unique across libraries and
/// compared ignoring case, as in Redis). Guarded by the Lua gate: every change also changes the registry.
/// </summary>
internal sealed class FunctionLibraries
{
    private readonly SortedDictionary<string, FunctionLibrary> _libraries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LuaFunction> _functions = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<FunctionLibrary> Libraries => _libraries.Values;

    public int FunctionCount => _functions.Count;

    public LuaFunction? Find(string name) => _functions.GetValueOrDefault(name);

    /// <summary>FUNCTION LOAD [REPLACE]: returns Redis's error text, or null with the library's name.</summary>
    public string? Load(ScriptingState scripting, ReadOnlySpan<byte> code, bool replace, out string name)
    {
        name = "";
        if (ParseMetadata(code, out name, out int shebang) is { } metadataError)
            return metadataError;
        var lua = scripting.Lua;
        lock (lua.Gate)
        {
            if (_libraries.ContainsKey(name) && !replace)
                return $"ERR Library '{name}' already exists";
            var L = lua.State;
            int top = GetTop(L);
            lua.PushErrorHandler();
            if (lua.Compile(code[shebang..], "@user_function") is { } compileError)
            {
                SetTop(L, top);
                return "ERR Error compiling function: " + compileError;
            }
            var load = new FunctionLoad(scripting.Node, name);
            Natives.Loading = load;
            int status;
            try
            {
                lua.SwapRedisTable(loader: true);
                lua.SetCountHook(true);   // a library body that never ends is stopped (FunctionLoad.TimeoutMs)
                status = PCall(L, 0, 0, top + 1);
            }
            finally
            {
                lua.SetCountHook(false);
                lua.SwapRedisTable(loader: false);
                Natives.Loading = null;
            }
            string? error = null;
            if (load.TimedOut)
                error = "ERR Error registering functions: ERR FUNCTION LOAD timeout";
            else if (status != 0)
                error = "ERR Error registering functions: " + ErrorText(L);
            else if (load.Functions.Count == 0)
                error = "ERR No functions registered";
            else
                foreach (var f in load.Functions)
                    if (_functions.TryGetValue(f.Name, out var existing) && !existing.Library.Equals(name, StringComparison.OrdinalIgnoreCase))
                        error = $"ERR Function {f.Name} already exists";
            SetTop(L, top);
            if (error is not null)
            {
                load.Forget(L);
                return error;
            }
            if (_libraries.TryGetValue(name, out var old))
                Remove(L, old);
            load.Commit(L);
            _libraries[name] = new FunctionLibrary(name, Encoding.UTF8.GetString(code), load.Functions);
            foreach (var f in load.Functions)
                _functions[f.Name] = f;
            return null;
        }
    }

    /// <summary>FUNCTION DUMP: every library's code, in name order.</summary>
    public byte[] Dump() => Istore.Node.Dump.FunctionPayload.Write(_libraries.Values.Select(library => library.Code));

    /// <summary>
    /// FUNCTION RESTORE's libraries, all or none: FLUSH replaces every library, APPEND refuses a
    /// library name that is taken, REPLACE swaps such libraries for the payload's. A library that does
    /// not load (bad code, a function name another library has) leaves the libraries as they were.
    /// </summary>
    public string? Restore(ScriptingState scripting, List<byte[]> codes, RestorePolicy policy)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var code in codes)
        {
            if (ParseMetadata(code, out string name, out _) is { } metadataError)
                return metadataError;
            if (!names.Add(name))
                return $"ERR Library '{name}' already exists";
            if (policy == RestorePolicy.Append && _libraries.ContainsKey(name))
                return $"ERR Library {name} already exists";
        }
        var lua = scripting.Lua;
        lock (lua.Gate)
        {
            var before = _libraries.Values.Select(library => library.Code).ToList();
            if (policy == RestorePolicy.Flush)
                Flush(scripting);
            else
                foreach (var name in names)
                    if (_libraries.TryGetValue(name, out var replaced))
                        Remove(lua.State, replaced);
            foreach (var code in codes)
            {
                if (Load(scripting, code, replace: false, out _) is not { } error)
                    continue;
                Flush(scripting);
                foreach (var old in before)
                    Load(scripting, Encoding.UTF8.GetBytes(old), replace: false, out _);
                return error;
            }
            return null;
        }
    }

    public bool Delete(ScriptingState scripting, string name)
    {
        var lua = scripting.Lua;
        lock (lua.Gate)
        {
            if (!_libraries.TryGetValue(name, out var library))
                return false;
            Remove(lua.State, library);
            return true;
        }
    }

    public void Flush(ScriptingState scripting)
    {
        var lua = scripting.Lua;
        lock (lua.Gate)
        {
            foreach (var library in _libraries.Values.ToList())
                Remove(lua.State, library);
            RegistryTables.Reset(lua.State, RegistryTables.Functions);
        }
    }

    private void Remove(nint L, FunctionLibrary library)
    {
        foreach (var f in library.Functions)
        {
            _functions.Remove(f.Name);
            PushNil(L);
            RegistryTables.Set(L, RegistryTables.Functions, f.RegistryKey);
        }
        _libraries.Remove(library.Name);
    }

    private static string ErrorText(nint L)
    {
        if (Type(L, -1) != TypeTable)
            return Encoding.UTF8.GetString(ToSpan(L, -1));
        PushString(L, "err"u8);
        RawGet(L, -2);
        var text = Encoding.UTF8.GetString(ToSpan(L, -1));
        Pop(L, 1);
        return text;
    }

    /// <summary>The "#!lua name=&lt;library&gt;" first line (functionExtractLibMetaData).</summary>
    private static string? ParseMetadata(ReadOnlySpan<byte> code, out string name, out int shebangLength)
    {
        name = "";
        shebangLength = 0;
        if (!code.StartsWith("#!"u8))
            return "ERR Missing library metadata";
        int end = code.IndexOf((byte)'\n');
        if (end < 0)
            return "ERR Invalid library metadata";
        shebangLength = end;
        // Split as Redis's sdssplitargs: name="foo" names foo.
        if (Istore.Net.Resp.InlineSplitter.Words(code[..end]) is not { Count: > 0 } parts)
            return "ERR Invalid library metadata";
        string? libraryName = null;
        foreach (var part in parts.Skip(1))
        {
            if (!part.StartsWith("name=", StringComparison.OrdinalIgnoreCase))
                return $"ERR Invalid metadata value given: {part}";
            if (libraryName is not null)
                return "ERR Invalid metadata value, name argument was given multiple times";
            libraryName = part[5..];
        }
        if (libraryName is null)
            return "ERR Library name was not given";
        if (!IsValidName(libraryName))
            return "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
        string engine = parts[0][2..];
        if (!engine.Equals("lua", StringComparison.OrdinalIgnoreCase))
            return $"ERR Engine '{engine}' not found";
        name = libraryName;
        return null;
    }

    public static bool IsValidName(string name) =>
        name.Length > 0 && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
