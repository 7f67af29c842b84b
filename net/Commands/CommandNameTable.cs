using System.Numerics;
using System.Text;

namespace Istore.Net.Commands;

/// <summary>
/// Command specs by their name as sent, in any case, looked up in the request's own bytes: open
/// addressing on a case-folded FNV-1a hash, then one case-insensitive compare. (A dictionary of
/// strings needed the name widened to chars and hashed case-insensitively first: ~2% of a
/// pipelined GET's CPU on the node, and every request goes through here on the proxy too.)
/// </summary>
internal sealed class CommandNameTable
{
    private readonly CommandSpec?[] _specs;
    private readonly byte[][] _names;
    private readonly int _mask;

    public CommandNameTable(IReadOnlyList<CommandSpec> specs)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)specs.Count * 4);   // a quarter full: probes end soon
        _specs = new CommandSpec?[size];
        _names = new byte[size][];
        _mask = size - 1;
        foreach (var spec in specs)
        {
            var name = Encoding.ASCII.GetBytes(spec.Name);
            int i = Slot(name);
            while (_specs[i] is not null)
                i = (i + 1) & _mask;
            _specs[i] = spec;
            _names[i] = name;
        }
    }

    public CommandSpec? Find(ReadOnlySpan<byte> name)
    {
        for (int i = Slot(name); _specs[i] is { } spec; i = (i + 1) & _mask)
        {
            if (Ascii.EqualsIgnoreCase(name, _names[i]))
                return spec;
        }
        return null;
    }

    /// <summary>Only letters differ by case, in bit 0x20: setting it in every byte hashes both cases alike.</summary>
    private int Slot(ReadOnlySpan<byte> name)
    {
        uint hash = 2166136261;
        foreach (byte b in name)
            hash = (hash ^ (uint)(b | 0x20)) * 16777619;
        return (int)hash & _mask;
    }
}
