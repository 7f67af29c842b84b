using Istore.Net.Resp;

namespace Istore.Node.Commands;

/// <summary>DEBUG PROTOCOL &lt;type&gt;: one test value of each reply type, in the caller's protocol, as Redis's debug.c sends them.</summary>
internal static class DebugProtocol
{
    public static void Write(RespWriter o, string type)
    {
        switch (type.ToLowerInvariant())
        {
            case "string":
                o.WriteBulkString("Hello World");
                break;
            case "integer":
                o.WriteInteger(12345);
                break;
            case "double":
                o.WriteDouble(3.141);
                break;
            case "bignum":
                if (o.IsResp3) o.WriteRaw("(1234567999999999999999999999999999999\r\n"u8);
                else o.WriteBulkString("1234567999999999999999999999999999999");
                break;
            case "null":
                o.WriteNull();
                break;
            case "array":
                o.WriteArrayHeader(3);
                WriteCounting(o);
                break;
            case "set":
                o.WriteSetHeader(3);
                WriteCounting(o);
                break;
            case "map":
                o.WriteMapHeader(3);
                for (int j = 0; j < 3; j++)
                {
                    o.WriteInteger(j);
                    o.WriteBoolean(j == 1);
                }
                break;
            case "attrib":
                // An attribute is not a reply: a real one follows it (RESP2 has only that).
                if (o.IsResp3)
                {
                    o.WriteRaw("|1\r\n"u8);
                    o.WriteBulkString("key-popularity");
                    o.WriteArrayHeader(2);
                    o.WriteBulkString("key:123");
                    o.WriteInteger(90);
                }
                o.WriteBulkString("Some real reply following the attribute");
                break;
            case "push":
                if (!o.IsResp3)
                {
                    o.WriteError("ERR RESP2 is not supported by this command");
                    break;
                }
                o.WritePushHeader(2);
                o.WriteBulkString("server-cpu-usage");
                o.WriteInteger(42);
                o.WriteBulkString("Some real reply following the push reply");
                break;
            case "true":
                o.WriteBoolean(true);
                break;
            case "false":
                o.WriteBoolean(false);
                break;
            case "verbatim":
                o.WriteVerbatimText("This is a verbatim\nstring");
                break;
            default:
                o.WriteError("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
                break;
        }
    }

    private static void WriteCounting(RespWriter o)
    {
        for (int j = 0; j < 3; j++)
            o.WriteInteger(j);
    }
}
