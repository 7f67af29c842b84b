using System.Buffers.Binary;

namespace Istore.Ranklist;

/// <summary>
/// RL.PARTIAL's rows as one binary string: per row the member's length (4 bytes, little-endian),
/// the member, then per list one byte (0: not in that window, 1: in it) followed, when 1, by the
/// score (an IEEE 754 double, 8 bytes, little-endian). Binary because a round can carry tens of
/// thousands of rows, whose doubles would cost more to format and parse as text than the recall
/// itself; the format is the node's and the proxy's alone.
/// </summary>
public static class PartialRowFormat
{
    /// <summary>The bytes <see cref="Write"/> needs.</summary>
    public static int SizeOf(PartialRows rows, IReadOnlyList<byte[]> members)
    {
        long size = (long)rows.Count * (4 + rows.Lists);
        for (int r = 0; r < rows.Count; r++)
        {
            size += members[r].Length;
            for (int k = 0; k < rows.Lists; k++)
                size += rows.TryGet(r, k, out _) ? 8 : 0;
        }
        return checked((int)size);
    }

    /// <summary>Writes the rows (row r names <paramref name="members"/>[r]) into <paramref name="into"/>, which has <see cref="SizeOf"/> bytes.</summary>
    public static void Write(PartialRows rows, IReadOnlyList<byte[]> members, Span<byte> into)
    {
        int at = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(into[at..], members[r].Length);
            members[r].CopyTo(into[(at + 4)..]);
            at += 4 + members[r].Length;
            for (int k = 0; k < rows.Lists; k++)
            {
                bool present = rows.TryGet(r, k, out double score);
                into[at++] = present ? (byte)1 : (byte)0;
                if (!present)
                    continue;
                BinaryPrimitives.WriteDoubleLittleEndian(into[at..], score);
                at += 8;
            }
        }
    }

    /// <summary>Reads rows of <paramref name="lists"/> scores each; a malformed string throws <see cref="InvalidOperationException"/>.</summary>
    public static void Read(ReadOnlySpan<byte> rows, int lists, List<(byte[] Member, double?[] Scores)> into)
    {
        while (!rows.IsEmpty)
        {
            int length = rows.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(rows) : -1;
            if (length < 0 || length > rows.Length - 4)
                throw new InvalidOperationException("RL.PARTIAL's rows are cut short");
            var member = rows.Slice(4, length).ToArray();
            rows = rows[(4 + length)..];
            var scores = new double?[lists];
            for (int k = 0; k < lists; k++)
            {
                if (rows.IsEmpty || rows[0] > 1 || rows[0] == 1 && rows.Length < 9)
                    throw new InvalidOperationException("RL.PARTIAL's rows are cut short");
                if (rows[0] == 1)
                    scores[k] = BinaryPrimitives.ReadDoubleLittleEndian(rows[1..]);
                rows = rows[(rows[0] == 1 ? 9 : 1)..];
            }
            into.Add((member, scores));
        }
    }
}
