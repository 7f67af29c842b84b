using System.Text;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// One FUNCTION LOAD in progress: collects redis.register_function calls (checked with Redis's
/// error texts), keeping each callback in the registry under a pending key until the load commits.
/// </summary>
internal sealed class FunctionLoad(Hosting.NodeServer node, string library)
{
    private readonly List<LuaFunction> _functions = [];
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>A library's body may run this long (Redis's FUNCTION LOAD timeout), then it is stopped.</summary>
    public const int TimeoutMs = 500;

    public bool TimedOut { get; set; }

    public bool OverTime => System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalMilliseconds > TimeoutMs;

    public Hosting.NodeServer Node { get; } = node;

    public IReadOnlyList<LuaFunction> Functions => _functions;

    private string PendingKey(string function) => "pending_" + library + "_" + function;

    /// <summary>n.register(name, callback, flags, description, argc) from the prelude; null when registered.</summary>
    public string? Register(nint L)
    {
        if (Type(L, 1) != TypeString)
            return "redis.register_function must get a function name argument";
        if (Type(L, 2) != TypeFunction)
            return "callback argument given to redis.register_function must be a function";
        string name = Encoding.UTF8.GetString(ToSpan(L, 1));
        if (!FunctionLibraries.IsValidName(name))
            return "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
        if (_functions.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            return "Function already exists in the library";
        var flags = ScriptFlags.None;
        if (Type(L, 3) == TypeTable)
        {
            for (int i = 1; ; i++)
            {
                RawGetI(L, 3, i);
                if (Type(L, -1) == TypeNil)
                {
                    Pop(L, 1);
                    break;
                }
                bool known = ScriptShebang.TryFlag(Encoding.UTF8.GetString(ToSpan(L, -1)), out var flag);
                Pop(L, 1);
                if (!known)
                    return "unknown flag given";
                flags |= flag;
            }
        }
        else if (Type(L, 3) != TypeNil)
        {
            return "flags argument to redis.register_function must be a table representing function flags";
        }
        string? description = Type(L, 4) == TypeString ? Encoding.UTF8.GetString(ToSpan(L, 4)) : null;
        PushValue(L, 2);
        RegistryTables.Set(L, RegistryTables.Functions, PendingKey(name));
        _functions.Add(new LuaFunction(name, library, flags, description));
        return null;
    }

    /// <summary>The load succeeded: the callbacks move to their functions' keys.</summary>
    public void Commit(nint L)
    {
        foreach (var f in _functions)
        {
            RegistryTables.Get(L, RegistryTables.Functions, PendingKey(f.Name));
            RegistryTables.Set(L, RegistryTables.Functions, f.RegistryKey);
        }
        Forget(L);
    }

    /// <summary>Drops the pending callbacks (after a commit, or a load that failed).</summary>
    public void Forget(nint L)
    {
        foreach (var f in _functions)
        {
            PushNil(L);
            RegistryTables.Set(L, RegistryTables.Functions, PendingKey(f.Name));
        }
    }
}
