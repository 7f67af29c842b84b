using Istore.Net.Resp;
using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>
/// PFADD's elements as register raises, applied to a dense HyperLogLog where the engine stores it
/// (<see cref="Keyspace.KeyspaceSession.TryEditInPlace"/>): hashing needs no value, and a dense
/// value's registers only ever rise, so a few bits change in place instead of 12 KB being read,
/// copied and written back; a sparse value whose registers already hold every raise (elements
/// seen before) is left as it is. Any other value declines, and PFADD reads and writes. One per
/// event loop.
/// </summary>
internal sealed class HyperLogLogRaise : IStringEdit
{
    [ThreadStatic]
    private static HyperLogLogRaise? _loops;

    private int[] _raises = new int[16];
    private int _count;

    /// <summary>The raises of the elements from argument <paramref name="first"/> on.</summary>
    public static HyperLogLogRaise Of(CommandArgs args, int first)
    {
        var raise = _loops ??= new HyperLogLogRaise();
        raise._count = 0;
        if (raise._raises.Length < args.Count - first)
            raise._raises = new int[args.Count - first];
        for (int i = first; i < args.Count; i++)
            raise._raises[raise._count++] = HyperLogLog.RaiseOf(args[i]);
        return raise;
    }

    /// <summary>Each element's <see cref="HyperLogLog.RaiseOf"/>, for PFADD's other path too (an element is hashed once).</summary>
    public ReadOnlySpan<int> Raises => _raises.AsSpan(0, _count);

    public bool LeavesAsIs(ReadOnlySpan<byte> value) => HyperLogLog.IsValid(value) && HeldBy(value);

    /// <summary>Whether a valid value's registers already hold every raise: PFADD changes nothing.</summary>
    private bool HeldBy(ReadOnlySpan<byte> value)
    {
        foreach (int raise in Raises)
            if (!HyperLogLog.Holds(value, raise))
                return false;
        return true;
    }

    public bool TryEdit(Span<byte> value, out bool changed)
    {
        changed = false;
        if (!HyperLogLog.IsValid(value))
            return false;
        // A sparse value changes size when a register grows: only a PFADD that raises none is answered here.
        if (HyperLogLog.IsSparseValue(value))
            return HeldBy(value);
        foreach (int raise in Raises)
            changed |= HyperLogLog.RaiseDense(value, raise);
        return true;
    }
}
