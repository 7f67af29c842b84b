using System.Buffers.Binary;
using Istore.Node.Dump;

namespace Istore.Tests.Node;

/// <summary>Hand-built DUMP payloads for encodings today's Redis no longer writes (ziplists, zipmaps, quicklist v1) and for corrupt cases.</summary>
internal static class DumpPayloads
{
    /// <summary>Type byte + body + RDB version + CRC-64, as Redis seals a payload.</summary>
    public static byte[] Seal(byte type, byte[] body, ushort version = 10)
    {
        var payload = new byte[1 + body.Length + 10];
        payload[0] = type;
        body.CopyTo(payload, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(1 + body.Length), version);
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(payload.Length - 8), Crc64Jones.Compute(payload.AsSpan(0, payload.Length - 8)));
        return payload;
    }

    /// <summary>An RDB string: 6-bit length then the bytes (short strings only).</summary>
    public static byte[] RdbString(byte[] value) => value.Length < 64 ? [(byte)value.Length, .. value] : [(byte)(0x40 | value.Length >> 8), (byte)value.Length, .. value];

    public static byte[] RdbString(string value) => RdbString(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>A ziplist of strings and integers (an integer element is given as a long).</summary>
    public static byte[] Ziplist(params object[] items)
    {
        var entries = new List<byte>();
        int previous = 0;
        foreach (var item in items)
        {
            var entry = new List<byte> { (byte)previous };
            if (item is long number)
            {
                if (number is >= 0 and <= 12)
                {
                    entry.Add((byte)(0xF1 + number));
                }
                else if (number is >= sbyte.MinValue and <= sbyte.MaxValue)
                {
                    entry.Add(0xFE);
                    entry.Add((byte)(sbyte)number);
                }
                else
                {
                    entry.Add(0xD0);
                    entry.AddRange(BitConverter.GetBytes((int)number));
                }
            }
            else
            {
                var text = System.Text.Encoding.UTF8.GetBytes((string)item);
                entry.Add((byte)text.Length);
                entry.AddRange(text);
            }
            previous = entry.Count;
            entries.AddRange(entry);
        }
        var ziplist = new byte[10 + entries.Count + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(ziplist, (uint)ziplist.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(ziplist.AsSpan(4), (uint)(10 + entries.Count - previous));
        BinaryPrimitives.WriteUInt16LittleEndian(ziplist.AsSpan(8), (ushort)items.Length);
        entries.CopyTo(ziplist, 10);
        ziplist[^1] = 0xFF;
        return ziplist;
    }

    /// <summary>A zipmap of short field/value pairs, each value with one byte of free space.</summary>
    public static byte[] Zipmap(params string[] fieldsAndValues)
    {
        var bytes = new List<byte> { (byte)(fieldsAndValues.Length / 2) };
        for (int i = 0; i < fieldsAndValues.Length; i += 2)
        {
            var field = System.Text.Encoding.UTF8.GetBytes(fieldsAndValues[i]);
            var value = System.Text.Encoding.UTF8.GetBytes(fieldsAndValues[i + 1]);
            bytes.Add((byte)field.Length);
            bytes.AddRange(field);
            bytes.Add((byte)value.Length);
            bytes.Add(1);
            bytes.AddRange(value);
            bytes.Add(0);
        }
        bytes.Add(0xFF);
        return [.. bytes];
    }
}
