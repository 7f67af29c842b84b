using System.Text;

namespace Istore.Node.Dump;

/// <summary>
/// FUNCTION DUMP's payload in Redis 7.0's format: for each library the RDB opcode FUNCTION2 (245)
/// and its code as an RDB string (LZF-compressed when that saves space, as Redis writes it), then
/// the RDB version and CRC-64 footer of a DUMP payload (rdbcompression off: never compressed). Both forms load.
/// </summary>
public static class FunctionPayload
{
    /// <summary>RDB_OPCODE_FUNCTION2: a library's code.</summary>
    public const byte Function2 = 245;

    /// <summary>RDB_OPCODE_FUNCTION: Redis 7.0's release candidates' form (name, engine, optional description, then code without its first line).</summary>
    public const byte PreGaFunction = 246;

    public static byte[] Write(IEnumerable<string> codes)
    {
        var writer = new RdbWriter();
        foreach (var code in codes)
        {
            writer.WriteByte(Function2);
            writer.WriteString(Encoding.UTF8.GetBytes(code));
        }
        writer.Seal();
        return writer.Written.ToArray();
    }

    /// <summary>The libraries' code in a payload, or Redis's error for a payload that is not one.</summary>
    public static string? TryRead(ReadOnlySpan<byte> payload, out List<byte[]> codes)
    {
        codes = [];
        if (!DumpPayload.IsIntact(payload))
            return "ERR DUMP payload version or checksum are wrong";
        var reader = new RdbReader(payload[..^10]);
        while (!reader.AtEnd)
        {
            byte type = reader.ReadByte();
            if (type is not (Function2 or PreGaFunction))
                return "ERR given type is not a function";
            string step = "payload";
            try
            {
                if (type == Function2)
                {
                    codes.Add(reader.ReadString().ToArray());
                    continue;
                }
                step = "name";
                string name = Encoding.UTF8.GetString(reader.ReadString());
                step = "engine";
                string engine = Encoding.UTF8.GetString(reader.ReadString());
                step = "description indicator";
                if (reader.ReadLength() != 0)
                {
                    step = "description";
                    reader.ReadString();
                }
                step = "blob";
                codes.Add([.. Encoding.UTF8.GetBytes($"#!{engine} name={name}\n"), .. reader.ReadString()]);
            }
            catch (BadDumpFormatException)
            {
                return "ERR Failed loading library " + step;
            }
        }
        return null;
    }
}
