using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Istore.Node.Engine.Disk.Native;

/// <summary>
/// A RocksDB compaction filter written in C#: RocksDB's compaction threads call
/// <see cref="ShouldRemove"/> for every record a compaction rewrites, through an
/// <c>[UnmanagedCallersOnly]</c> trampoline. Must outlive the database it is set on.
/// </summary>
internal abstract unsafe class CompactionFilter : IDisposable
{
    private readonly GCHandle _self;
    private readonly byte* _name;

    protected CompactionFilter(string name)
    {
        _self = GCHandle.Alloc(this);
        int length = Encoding.UTF8.GetByteCount(name);
        _name = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(name, new Span<byte>(_name, length));
        _name[length] = 0;
        Handle = RocksDbNative.CompactionFilterCreate(GCHandle.ToIntPtr(_self), &Destroyed, &Filter, &Name);
    }

    internal nint Handle { get; private set; }

    /// <summary>Records removed by this filter since start (INFO).</summary>
    public long Removed => Interlocked.Read(ref _removed);

    private long _removed;

    /// <summary>Decides one record; runs on a RocksDB background thread and must not throw.</summary>
    protected abstract bool ShouldRemove(int level, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte Filter(nint state, int level, byte* key, nuint keyLength, byte* value, nuint valueLength,
        byte** newValue, nuint* newValueLength, byte* valueChanged)
    {
        *valueChanged = 0;
        try
        {
            var filter = (CompactionFilter)GCHandle.FromIntPtr(state).Target!;
            if (!filter.ShouldRemove(level, new ReadOnlySpan<byte>(key, (int)keyLength), new ReadOnlySpan<byte>(value, (int)valueLength)))
                return 0;
            Interlocked.Increment(ref filter._removed);
            return 1;
        }
        catch
        {
            return 0;   // keeping a record is always safe; an exception must not cross into RocksDB
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte* Name(nint state) => ((CompactionFilter)GCHandle.FromIntPtr(state).Target!)._name;

    /// <summary>RocksDB's destructor callback: the managed side is freed in <see cref="Dispose"/>.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Destroyed(nint state)
    {
    }

    /// <summary>Call only after the database using this filter is closed.</summary>
    public void Dispose()
    {
        if (Handle == 0)
            return;
        RocksDbNative.CompactionFilterDestroy(Handle);
        Handle = 0;
        NativeMemory.Free(_name);
        _self.Free();
    }
}
