using System.Security.Cryptography;

namespace Istore.Node.Scripting;

/// <summary>
/// The node's scripting: the Lua interpreter (started on first use, so a host without liblua5.1
/// still serves everything else), the EVAL script cache by SHA1, the function libraries, the
/// busy threshold and the script running now (for SCRIPT KILL and -BUSY from other clients).
/// </summary>
internal sealed class ScriptingState(Hosting.NodeServer node) : IDisposable
{
    /// <summary>Cached scripts by SHA1 (lower-case hex): their flags and registry key.</summary>
    private readonly Dictionary<string, (ScriptFlags Flags, string RegistryKey)> _scripts = new(StringComparer.Ordinal);
    private LuaEngine? _lua;
    private volatile ScriptRun? _running;

    public Hosting.NodeServer Node { get; } = node;

    /// <summary>busy-reply-threshold (lua-time-limit): after this long a script makes other clients see -BUSY; 0 = never.</summary>
    public long BusyThresholdMs { get; set; } = 5000;

    public FunctionLibraries Functions { get; } = new();

    /// <summary>
    /// DEBUG SET-DISABLE-DENY-SCRIPTS 1: scripts may call DEBUG (Redis's tests call DEBUG PROTOCOL so). Redis
    /// lifts its whole no-script list; here only DEBUG, since EVAL, MULTI or WAIT would nest or suspend inside the script's atomic scope.
    /// </summary>
    public bool DebugFromScriptsAllowed { get; set; }

    public ScriptRun? Running => _running;

    /// <summary>Every event loop's activity, copied on each join so a script start reads it without a lock or a copy.</summary>
    private volatile LoopActivity[] _loops = [];

    [ThreadStatic] private static LoopActivity? t_loop;

    /// <summary>This thread's event loop, for <see cref="LoopActivity"/>'s handshake (null off the loops, e.g. at replay).</summary>
    public static LoopActivity? CurrentLoop => t_loop;

    /// <summary>Called on each event loop's thread as its worker starts.</summary>
    public LoopActivity JoinLoop()
    {
        var loop = new LoopActivity();
        lock (this)
            _loops = [.. _loops, loop];
        t_loop = loop;
        return loop;
    }

    /// <summary>
    /// Makes <paramref name="run"/> the running script once no other is, then (unless the caller
    /// already holds the write lock, inside EXEC, where loops waiting for it must not be waited
    /// for) until no other loop is mid-command.
    /// </summary>
    public void BeginRun(ScriptRun run, Keyspace.KeyspaceLock writeLock)
    {
        var mine = t_loop;
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _running, run, null) is not null)
        {
            mine?.Exit();   // a script starting elsewhere must not wait for this loop while it waits for that script
            spin.SpinOnce(sleep1Threshold: 10);
        }
        mine?.Enter();
        if (writeLock.IsHeld)
            return;
        foreach (var loop in _loops)
        {
            if (loop == mine)
                continue;
            spin = new SpinWait();
            while (loop.Executing)
                spin.SpinOnce(sleep1Threshold: 10);
        }
    }

    public void EndRun() => _running = null;

    /// <summary>The interpreter; throws with a clear message when liblua5.1 cannot be loaded.</summary>
    public LuaEngine Lua
    {
        get
        {
            if (_lua is { } lua)
                return lua;
            lock (this)
            {
                try
                {
                    return _lua ??= new LuaEngine();
                }
                catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
                {
                    throw new Engine.EngineLimitException("ERR scripting is unavailable on this node: " + (ex.InnerException ?? ex).Message);
                }
            }
        }
    }

    public int ScriptCount
    {
        get
        {
            lock (_scripts)
                return _scripts.Count;
        }
    }

    public static string Sha1Hex(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(body, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string RegistryKey(string sha) => "f_" + sha;

    public bool TryGetScript(string sha, out ScriptFlags flags)
    {
        lock (_scripts)
        {
            bool found = _scripts.TryGetValue(sha, out var script);
            flags = script.Flags;
            return found;
        }
    }

    /// <summary>EVALSHA's lookup, by the argument's bytes in either case, with no string made per call.</summary>
    public bool TryGetScript(ReadOnlySpan<byte> sha, out string name, out ScriptFlags flags, out string registryKey)
    {
        (name, flags, registryKey) = ("", default, "");
        Span<char> lower = stackalloc char[40];
        if (sha.Length != 40 || System.Text.Ascii.ToLower(sha, lower, out _) != System.Buffers.OperationStatus.Done)
            return false;
        lock (_scripts)
        {
            if (!_scripts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lower, out var key, out var script))
                return false;
            (name, flags, registryKey) = (key, script.Flags, script.RegistryKey);
            return true;
        }
    }

    /// <summary>
    /// Compiles an EVAL body into the cache (SCRIPT LOAD, EVAL of a new script); an already
    /// cached body costs a lookup. Returns Redis's error text, or null with its SHA1 and flags.
    /// </summary>
    public string? Load(ReadOnlySpan<byte> body, out string sha, out ScriptFlags flags)
    {
        sha = Sha1Hex(body);
        if (TryGetScript(sha, out flags))
            return null;
        if (ScriptShebang.Parse(body, out flags, out int shebang) is { } shebangError)
            return "ERR " + shebangError;
        var lua = Lua;
        lock (lua.Gate)
        {
            if (lua.Compile(body[shebang..], "@user_script") is { } error)
                return "ERR Error compiling script (new function): " + error;
            RegistryTables.Set(lua.State, RegistryTables.Scripts, RegistryKey(sha));
        }
        lock (_scripts)
            _scripts[sha] = (flags, RegistryKey(sha));
        return null;
    }

    /// <summary>SCRIPT FLUSH: forgets every script and frees their memory (Redis starts a new interpreter; functions share this one).</summary>
    public void Flush()
    {
        var lua = _lua;
        if (lua is null)
        {
            lock (_scripts) _scripts.Clear();
            return;
        }
        lock (lua.Gate)
        {
            lock (_scripts)
            {
                RegistryTables.Reset(lua.State, RegistryTables.Scripts);
                _scripts.Clear();
            }
            CollectFully(lua.State);
        }
    }

    /// <summary>
    /// Full collections until memory stops shrinking: each one halves at most what the interpreter
    /// keeps for past peaks (its stack after a big unpack, its string table), which Redis frees by
    /// starting a new interpreter.
    /// </summary>
    private static void CollectFully(nint L)
    {
        const int GcCollect = 2;
        int before = Native.LuaNative.Gc(L, Native.LuaNative.GcCount, 0);
        for (int round = 0; round < 16; round++)
        {
            Native.LuaNative.Gc(L, GcCollect, 0);
            int after = Native.LuaNative.Gc(L, Native.LuaNative.GcCount, 0);
            if (after >= before)
                break;
            before = after;
        }
    }

    /// <summary>Memory the interpreter holds, in bytes (INFO's used_memory_lua).</summary>
    public long LuaMemory
    {
        get
        {
            if (_lua is not { } lua)
                return 0;
            lock (lua.Gate)
                return Native.LuaNative.Gc(lua.State, Native.LuaNative.GcCount, 0) * 1024L;
        }
    }

    public void Dispose() => _lua?.Dispose();
}
