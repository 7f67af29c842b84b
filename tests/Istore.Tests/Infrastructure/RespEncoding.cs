using System.Text;

namespace Istore.Tests.Infrastructure;

/// <summary>Commands as RESP arrays of bulk strings, for tests that send exact bytes.</summary>
public static class RespEncoding
{
    public static byte[] Command(params byte[][] args)
    {
        using var frame = new MemoryStream();
        frame.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var arg in args)
        {
            frame.Write(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            frame.Write(arg);
            frame.Write("\r\n"u8);
        }
        return frame.ToArray();
    }

    /// <summary>
    /// The same as text whose lengths count bytes in <paramref name="encoding"/>: UTF-8, or
    /// Latin-1 where a test carries raw bytes in a string (one char per byte).
    /// </summary>
    public static string CommandText(Encoding encoding, params string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
            text.Append('$').Append(encoding.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        return text.ToString();
    }
}
