using Istore.Net.Resp;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>How stream entries and IDs go on the wire: an entry is [id, [field, value, …]].</summary>
public static class StreamReply
{
    public static void WriteId(RespWriter output, StreamId id)
    {
        Span<byte> text = stackalloc byte[StreamId.MaxFormattedLength];
        output.WriteBulkString(text[..id.Format(text)]);
    }

    public static void WriteEntry(RespWriter output, EntryRef entry)
    {
        output.WriteArrayHeader(2);
        WriteId(output, entry.Id);
        var reader = entry.Read();
        output.WriteArrayHeader(reader.Pairs * 2);
        while (reader.MoveNext())
        {
            output.WriteBulkString(reader.Field);
            output.WriteBulkString(reader.Value);
        }
    }

    public static void WriteEntries(RespWriter output, List<EntryRef> entries)
    {
        output.WriteArrayHeader(entries.Count);
        foreach (var entry in entries)
            WriteEntry(output, entry);
    }

    /// <summary>Up to <paramref name="count"/> (0 = all) entries of a walk.</summary>
    public static List<EntryRef> Take(IEnumerable<EntryRef> entries, long count)
    {
        var taken = new List<EntryRef>();
        foreach (var entry in entries)
        {
            taken.Add(entry);
            if (count > 0 && taken.Count >= count)
                break;
        }
        return taken;
    }
}
