using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Istore.Net.Client;

/// <summary>Encodes a command the way every Redis client sends it: an array of bulk strings.</summary>
public static class RespCommandEncoder
{
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<string> args)
    {
        WriteHeader(output, (byte)'*', args.Length);
        foreach (var arg in args)
        {
            int length = Encoding.UTF8.GetByteCount(arg);
            WriteHeader(output, (byte)'$', length);
            var span = output.GetSpan(length + 2);
            Encoding.UTF8.GetBytes(arg, span);
            "\r\n"u8.CopyTo(span[length..]);
            output.Advance(length + 2);
        }
    }

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<ReadOnlyMemory<byte>> args)
    {
        WriteHeader(output, (byte)'*', args.Length);
        foreach (var arg in args)
        {
            WriteHeader(output, (byte)'$', arg.Length);
            var span = output.GetSpan(arg.Length + 2);
            arg.Span.CopyTo(span);
            "\r\n"u8.CopyTo(span[arg.Length..]);
            output.Advance(arg.Length + 2);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, int value)
    {
        var span = output.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int n);
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        output.Advance(n + 3);
    }
}
