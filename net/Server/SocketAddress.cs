using System.Buffers.Binary;
using System.Net;

namespace Istore.Net.Server;

/// <summary>Formats a raw sockaddr (from accept4) as "ip:port" the way Redis's CLIENT LIST shows it.</summary>
internal static unsafe class SocketAddress
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;

    public static string Format(byte* addr, int length)
    {
        var span = new ReadOnlySpan<byte>(addr, length);
        if (length < 4)
            return "?:0";
        int family = BinaryPrimitives.ReadUInt16LittleEndian(span);
        int port = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        if (family == AfInet && length >= 8)
            return $"{new IPAddress(span.Slice(4, 4))}:{port}";
        if (family == AfInet6 && length >= 24)
            return $"{new IPAddress(span.Slice(8, 16))}:{port}";
        return $"?:{port}";
    }
}
