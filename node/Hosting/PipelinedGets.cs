using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Keyspace;

namespace Istore.Node.Hosting;

/// <summary>
/// Finds the run of GETs a client pipelined behind the GET about to run and has the keyspace read
/// their keys at once (<see cref="KeyspaceSession.ReadAhead"/>). Only the exact frame
/// <c>*2 $3 GET $n key</c> counts; anything else ends the run. The commands still run one by one
/// as parsed; a result no GET of this run takes is dropped (see <see cref="NodeWorker"/>).
/// </summary>
internal sealed class PipelinedGets
{
    private readonly byte[] _keys = new byte[4096];
    private readonly int[] _ends = new int[Engine.IReadAhead.MaxKeys];

    /// <summary>Reads ahead for <paramref name="args"/> (a GET, the frame at the start of the client's pending input) and the GETs after it; false when there are none.</summary>
    public bool ReadAhead(KeyspaceSession keyspace, Connection connection, CommandArgs args)
    {
        var input = connection.PendingInput;
        var frame = args.Frame;
        if (frame.IsEmpty || input.Length <= frame.Length
            || !Unsafe.AreSame(ref MemoryMarshal.GetReference(frame), ref MemoryMarshal.GetReference(input)))
            return false;
        int count = 0, length = 0;
        Add(args[1], ref count, ref length);
        for (int pos = frame.Length; count < _ends.Length && TryReadGet(input[pos..], out var key, out int consumed); pos += consumed)
        {
            if (!Add(key, ref count, ref length))
                break;
        }
        if (count < 2)
            return false;
        keyspace.ReadAhead(_keys.AsSpan(0, length), _ends.AsSpan(0, count));
        return true;
    }

    private bool Add(ReadOnlySpan<byte> key, ref int count, ref int length)
    {
        if (length + key.Length > _keys.Length)
            return false;
        key.CopyTo(_keys.AsSpan(length));
        length += key.Length;
        _ends[count++] = length;
        return true;
    }

    /// <summary>A complete <c>*2\r\n$3\r\nGET\r\n$n\r\nkey\r\n</c> frame (GET in any case) at the start of <paramref name="input"/>.</summary>
    private static bool TryReadGet(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> key, out int consumed)
    {
        key = default;
        consumed = 0;
        const int Head = 14;   // "*2\r\n$3\r\nGET\r\n$"
        if (input.Length < Head + 3 || !input[..8].SequenceEqual("*2\r\n$3\r\n"u8)
            || (input[8] | 0x20) != 'g' || (input[9] | 0x20) != 'e' || (input[10] | 0x20) != 't'
            || !input.Slice(11, 3).SequenceEqual("\r\n$"u8))
            return false;
        if (!Utf8Parser.TryParse(input[Head..], out int keyLength, out int digits) || keyLength < 0 || digits > 9)
            return false;
        int keyStart = Head + digits + 2;
        if (input.Length < keyStart + keyLength + 2 || !input.Slice(Head + digits, 2).SequenceEqual("\r\n"u8)
            || !input.Slice(keyStart + keyLength, 2).SequenceEqual("\r\n"u8))
            return false;
        key = input.Slice(keyStart, keyLength);
        consumed = keyStart + keyLength + 2;
        return true;
    }
}
