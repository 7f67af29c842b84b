using System.Globalization;
using System.Text;

namespace Istore.Net.Resp;

/// <summary>
/// Redis's sdscatrepr, as redis-cli and MONITOR quote a value: in double quotes, with \\ \" \n \r
/// \t \a \b escaped, other printable ASCII as is and every other byte as \xHH.
/// </summary>
public static class RedisRepr
{
    public static void Append(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        sb.Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case 7: sb.Append("\\a"); break;
                case 8: sb.Append("\\b"); break;
                case >= 0x20 and < 0x7f: sb.Append((char)b); break;
                default: sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture)); break;
            }
        }
        sb.Append('"');
    }
}
