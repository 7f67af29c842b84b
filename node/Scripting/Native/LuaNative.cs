using System.Runtime.InteropServices;

namespace Istore.Node.Scripting.Native;

/// <summary>
/// The part of Lua 5.1's C API (<c>lua.h</c>, <c>lauxlib.h</c>) the scripting engine uses, bound
/// with <c>[LibraryImport]</c> to Debian's <c>liblua5.1.so.0</c>: blittable arguments only, so the
/// stubs are generated at build time and work in a Native AOT binary. C functions handed to Lua
/// are <c>[UnmanagedCallersOnly]</c> and never raise Lua errors themselves (a longjmp must not
/// cross managed frames): they return an error marker that the Lua prelude raises.
/// <para>The stack and raw-table calls a script's every redis.call makes dozens of are
/// <c>[SuppressGCTransition]</c>: they are short and never call back into managed code (no
/// metamethods, no Lua code; a collection they trigger runs only C finalizers), so they skip the
/// cost of a GC-mode switch. Calls that may run Lua code (pcall, getfield, setfield…) keep it.</para>
/// </summary>
internal static unsafe partial class LuaNative
{
    public const string Library = "liblua5.1.so.0";

    public const int RegistryIndex = -10000;
    public const int GlobalsIndex = -10002;
    public const int MultRet = -1;

    public const int TypeNil = 0, TypeBoolean = 1, TypeLightUserdata = 2, TypeNumber = 3, TypeString = 4, TypeTable = 5, TypeFunction = 6;

    public const int MaskCount = 1 << 3;
    public const int GcStep = 5;
    public const int GcCount = 3;

    [LibraryImport(Library, EntryPoint = "luaL_newstate")]
    public static partial nint NewState();

    [LibraryImport(Library, EntryPoint = "lua_close")]
    public static partial void Close(nint L);

    [LibraryImport(Library, EntryPoint = "lua_gettop")]
    [SuppressGCTransition]
    public static partial int GetTop(nint L);

    [LibraryImport(Library, EntryPoint = "lua_settop")]
    [SuppressGCTransition]
    public static partial void SetTop(nint L, int index);

    public static void Pop(nint L, int n) => SetTop(L, -n - 1);

    [LibraryImport(Library, EntryPoint = "lua_checkstack")]
    [SuppressGCTransition]
    public static partial int CheckStack(nint L, int extra);

    [LibraryImport(Library, EntryPoint = "lua_pushvalue")]
    [SuppressGCTransition]
    public static partial void PushValue(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_replace")]
    [SuppressGCTransition]
    public static partial void Replace(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_type")]
    [SuppressGCTransition]
    public static partial int Type(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_isnumber")]
    [SuppressGCTransition]
    public static partial int IsNumber(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_tonumber")]
    [SuppressGCTransition]
    public static partial double ToNumber(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_toboolean")]
    [SuppressGCTransition]
    public static partial int ToBoolean(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_tolstring")]
    [SuppressGCTransition]
    public static partial byte* ToLString(nint L, int index, out nuint length);

    [LibraryImport(Library, EntryPoint = "lua_touserdata")]
    [SuppressGCTransition]
    public static partial nint ToUserdata(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_pushnil")]
    [SuppressGCTransition]
    public static partial void PushNil(nint L);

    [LibraryImport(Library, EntryPoint = "lua_pushnumber")]
    [SuppressGCTransition]
    public static partial void PushNumber(nint L, double n);

    [LibraryImport(Library, EntryPoint = "lua_pushlstring")]
    [SuppressGCTransition]
    public static partial void PushLString(nint L, byte* s, nuint length);

    [LibraryImport(Library, EntryPoint = "lua_pushcclosure")]
    public static partial void PushCClosure(nint L, delegate* unmanaged[Cdecl]<nint, int> fn, int upvalues);

    [LibraryImport(Library, EntryPoint = "lua_pushcclosure")]
    public static partial void PushCClosure(nint L, nint fn, int upvalues);

    [LibraryImport(Library, EntryPoint = "lua_pushboolean")]
    [SuppressGCTransition]
    public static partial void PushBoolean(nint L, int value);

    [LibraryImport(Library, EntryPoint = "lua_pushlightuserdata")]
    [SuppressGCTransition]
    public static partial void PushLightUserdata(nint L, nint p);

    [LibraryImport(Library, EntryPoint = "lua_createtable")]
    [SuppressGCTransition]
    public static partial void CreateTable(nint L, int arrayItems, int hashItems);

    [LibraryImport(Library, EntryPoint = "lua_getfield", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void GetField(nint L, int index, string name);

    [LibraryImport(Library, EntryPoint = "lua_setfield", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SetField(nint L, int index, string name);

    [LibraryImport(Library, EntryPoint = "lua_rawget")]
    [SuppressGCTransition]
    public static partial void RawGet(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_rawgeti")]
    [SuppressGCTransition]
    public static partial void RawGetI(nint L, int index, int n);

    [LibraryImport(Library, EntryPoint = "lua_rawset")]
    [SuppressGCTransition]
    public static partial void RawSet(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_rawseti")]
    [SuppressGCTransition]
    public static partial void RawSetI(nint L, int index, int n);

    [LibraryImport(Library, EntryPoint = "lua_next")]
    public static partial int Next(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_objlen")]
    [SuppressGCTransition]
    public static partial nuint ObjLen(nint L, int index);

    [LibraryImport(Library, EntryPoint = "lua_call")]
    public static partial void Call(nint L, int args, int results);

    [LibraryImport(Library, EntryPoint = "lua_pcall")]
    public static partial int PCall(nint L, int args, int results, int errorHandler);

    [LibraryImport(Library, EntryPoint = "luaL_loadbuffer")]
    public static partial int LoadBuffer(nint L, byte* buffer, nuint size, byte* name);

    [LibraryImport(Library, EntryPoint = "lua_dump")]
    public static partial int DumpFunction(nint L, delegate* unmanaged[Cdecl]<nint, byte*, nuint, nint, int> writer, nint data);

    [LibraryImport(Library, EntryPoint = "lua_sethook")]
    public static partial int SetHook(nint L, nint hook, int mask, int count);

    [LibraryImport(Library, EntryPoint = "lua_getinfo")]
    public static partial int GetInfo(nint L, byte* what, LuaDebug* ar);

    [LibraryImport(Library, EntryPoint = "lua_gc")]
    public static partial int Gc(nint L, int what, int data);

    public static void PushString(nint L, ReadOnlySpan<byte> s)
    {
        fixed (byte* p = s)
            PushLString(L, p, (nuint)s.Length);
    }

    public static void PushString(nint L, string s) => PushString(L, System.Text.Encoding.UTF8.GetBytes(s));

    /// <summary>The string (or number, converted in place as Lua does) at <paramref name="index"/>; empty when neither.</summary>
    public static ReadOnlySpan<byte> ToSpan(nint L, int index)
    {
        var p = ToLString(L, index, out nuint length);
        return p == null ? default : new ReadOnlySpan<byte>(p, (int)length);
    }

    /// <summary>Like <see cref="ToSpan"/> but tells a string apart from a value that has none.</summary>
    public static bool TryToSpan(nint L, int index, out ReadOnlySpan<byte> value)
    {
        var p = ToLString(L, index, out nuint length);
        value = p == null ? default : new ReadOnlySpan<byte>(p, (int)length);
        return p != null;
    }
}

/// <summary>Lua 5.1's lua_Debug (x64 layout), filled by lua_getinfo.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LuaDebug
{
    public int Event;
    public byte* Name;
    public byte* NameWhat;
    public byte* What;
    public byte* Source;
    public int CurrentLine;
    public int Upvalues;
    public int LineDefined;
    public int LastLineDefined;
    public fixed byte ShortSource[60];
    public int CallInfo;
}
