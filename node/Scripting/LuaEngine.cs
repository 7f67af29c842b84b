using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Istore.Node.Scripting.Native;
using static Istore.Node.Scripting.Native.LuaNative;

namespace Istore.Node.Scripting;

/// <summary>
/// The node's one Lua 5.1 interpreter, as Redis has one: the sandbox (base, table, string, math,
/// cjson and bit libraries, the redis table, globals protection), the compiled EVAL scripts kept
/// in the registry by SHA1 as <c>f_&lt;sha&gt;</c>, and the pcall that runs one. Every use holds
/// <see cref="Gate"/>; running scripts hold the keyspace write lock first.
/// </summary>
internal sealed unsafe partial class LuaEngine : IDisposable
{
    private const string HandlerKey = "istore_err_handler";
    private const string LoaderKey = "istore_loader";
    private const string LoadingKey = "istore_loading";

    private static readonly nint LuaError;
    private nint _state;

    public object Gate { get; } = new();

    public nint State => _state;

    static LuaEngine()
    {
        // Lua's C modules (cjson, bit) resolve lua_* from the global namespace, as the lua binary provides it.
        nint lua = Dl.Open("liblua5.1.so.0", Dl.RTLD_NOW | Dl.RTLD_GLOBAL);
        if (lua == 0)
            throw new DllNotFoundException("liblua5.1.so.0 not found (Debian: apt-get install liblua5.1-0)");
        LuaError = Dl.Symbol(lua, "lua_error");
    }

    public LuaEngine()
    {
        _state = NewState();
        if (_state == 0)
            throw new OutOfMemoryException("luaL_newstate failed");
        nint lua = Dl.Open("liblua5.1.so.0", Dl.RTLD_NOW | Dl.RTLD_GLOBAL);
        foreach (var open in new[] { "luaopen_base", "luaopen_table", "luaopen_string", "luaopen_math", "luaopen_debug" })
            OpenLibrary(Dl.Symbol(lua, open), null);
        OpenLibrary(Dl.Symbol(Dl.Open("liblua5.1-cjson.so.0", Dl.RTLD_NOW), "luaopen_cjson"), "cjson");
        OpenLibrary(Dl.Symbol(Dl.Open("liblua5.1-bitop.so.0", Dl.RTLD_NOW), "luaopen_bit"), "bit");
        RunPrelude();
    }

    /// <summary>Runs a luaopen_* function as Lua 5.1 requires (through lua_call), keeping its table as global <paramref name="global"/>.</summary>
    private void OpenLibrary(nint open, string? global)
    {
        if (open == 0)
            throw new DllNotFoundException($"a Lua library for '{global}' is missing (Debian: lua-cjson, lua-bitop)");
        PushCClosure(_state, open, 0);
        Call(_state, 0, global is null ? 0 : 1);
        if (global is not null)
            SetField(_state, GlobalsIndex, global);
    }

    private void RunPrelude()
    {
        var L = _state;
        var code = Encoding.UTF8.GetBytes(LuaPrelude.Code);
        var name = Encoding.UTF8.GetBytes(LuaPrelude.ChunkName + "\0");
        fixed (byte* c = code, n = name)
            if (LoadBuffer(L, c, (nuint)code.Length, n) != 0)
                throw new InvalidOperationException("Lua prelude: " + Encoding.UTF8.GetString(ToSpan(L, -1)));
        CreateTable(L, 0, 13);
        SetNative(L, "call", &Natives.Call);
        SetNative(L, "sha1hex", &Natives.Sha1Hex);
        SetNative(L, "aclcheck", &Natives.AclCheck);
        SetNative(L, "log", &Natives.Log);
        SetNative(L, "setresp", &Natives.SetResp);
        SetNative(L, "set_repl", &Natives.SetRepl);
        SetNative(L, "register", &Natives.Register);
        SetNative(L, "msgpack_pack", &MessagePack.Pack);
        SetNative(L, "msgpack_unpack", &MessagePack.Unpack);
        SetNative(L, "struct_pack", &StructLibrary.Pack);
        SetNative(L, "struct_unpack", &StructLibrary.Unpack);
        SetNative(L, "struct_size", &StructLibrary.Size);
        PushString(L, NodeVersion);
        SetField(L, -2, "version");
        PushNumber(L, NodeVersionNumber);
        SetField(L, -2, "version_num");
        if (PCall(L, 1, 0, 0) != 0)
            throw new InvalidOperationException("Lua prelude: " + Encoding.UTF8.GetString(ToSpan(L, -1)));
    }

    private static string NodeVersion => Hosting.NodeServer.Version;

    private static double NodeVersionNumber
    {
        get
        {
            var parts = NodeVersion.Split('.').Select(int.Parse).ToArray();
            return (parts[0] << 16) | (parts[1] << 8) | parts[2];
        }
    }

    private static void SetNative(nint L, string name, delegate* unmanaged[Cdecl]<nint, int> fn)
    {
        PushCClosure(L, fn, 0);
        SetField(L, -2, name);
    }

    /// <summary>Pushes the pcall error handler the prelude left in the registry.</summary>
    public void PushErrorHandler() => GetField(_state, RegistryIndex, HandlerKey);

    /// <summary>
    /// FUNCTION LOAD runs a library seeing only the registration-only redis table (set raw in _G,
    /// shadowing the real one) and no other global; afterwards scripts see every global again.
    /// </summary>
    public void SwapRedisTable(bool loader)
    {
        GetField(_state, RegistryIndex, LoadingKey);
        PushBoolean(_state, loader ? 1 : 0);
        if (PCall(_state, 1, 0, 0) != 0)   // out of memory at most: the library then runs with every global
            Pop(_state, 1);
    }

    /// <summary>
    /// Compiles <paramref name="code"/> (an EVAL body without its shebang, or a library) into a
    /// function left on the stack; on failure returns Lua's message ("user_script:1: …").
    /// </summary>
    public string? Compile(ReadOnlySpan<byte> code, string chunkName)
    {
        var name = Encoding.UTF8.GetBytes(chunkName + "\0");
        int status;
        fixed (byte* c = code, n = name)
            status = LoadBuffer(_state, c, (nuint)code.Length, n);
        if (status == 0)
        {
            WithoutTailCalls(name);
            return null;
        }
        var message = Encoding.UTF8.GetString(ToSpan(_state, -1));
        Pop(_state, 1);
        return message;
    }

    [ThreadStatic] private static MemoryStream? t_dump;

    /// <summary>Replaces the function just compiled with one whose tail calls are plain calls (see <see cref="TailCalls"/>); keeps it if that fails.</summary>
    private void WithoutTailCalls(byte[] name)
    {
        var dump = t_dump ??= new MemoryStream();
        dump.SetLength(0);
        if (DumpFunction(_state, &CollectDump, 0) != 0)
            return;
        var bytes = dump.GetBuffer().AsSpan(0, (int)dump.Length);
        if (!TailCalls.Rewrite(bytes))
            return;
        int status;
        fixed (byte* c = bytes, n = name)
            status = LoadBuffer(_state, c, (nuint)bytes.Length, n);
        if (status == 0)
            Replace(_state, -2);
        else
            Pop(_state, 1);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int CollectDump(nint L, byte* data, nuint size, nint state)
    {
        t_dump!.Write(new ReadOnlySpan<byte>(data, (int)size));
        return 0;
    }

    /// <summary>Makes the SCRIPT KILL hook fire at once: every instruction raises, so a pcall inside the script cannot hold it.</summary>
    public void RaiseAtNextInstruction() => SetHook(_state, LuaError, MaskCount, 1);

    public void SetCountHook(bool on)
    {
        if (on) SetHook(_state, (nint)(delegate* unmanaged[Cdecl]<nint, nint, void>)&Natives.CountHook, MaskCount, 100_000);
        else SetHook(_state, 0, 0, 0);
    }

    public void Dispose()
    {
        if (_state != 0)
            Close(_state);
        _state = 0;
    }

    /// <summary>libdl: Lua's C modules need liblua's symbols loaded RTLD_GLOBAL, which NativeLibrary.Load does not do.</summary>
    private static partial class Dl
    {
        public const int RTLD_NOW = 2;
        public const int RTLD_GLOBAL = 0x100;

        [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
        public static partial nint Open(string file, int mode);

        [LibraryImport("libc", EntryPoint = "dlsym", StringMarshalling = StringMarshalling.Utf8)]
        public static partial nint Symbol(nint handle, string name);
    }
}
