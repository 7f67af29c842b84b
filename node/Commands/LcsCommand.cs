using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], with Redis's dynamic programme and reply shapes.</summary>
internal static class LcsCommand
{
    private const long MaxTableBytes = 512L * 1024 * 1024;

    public static void Execute(CommandContext c)
    {
        bool getLength = false, getIndexes = false, withMatchLength = false;
        long minMatchLength = 0;
        for (int i = 3; i < c.Count; i++)
        {
            if (c.ArgIs(i, "LEN"u8)) getLength = true;
            else if (c.ArgIs(i, "IDX"u8)) getIndexes = true;
            else if (c.ArgIs(i, "WITHMATCHLEN"u8)) withMatchLength = true;
            else if (c.ArgIs(i, "MINMATCHLEN"u8) && i + 1 < c.Count)
            {
                if (!c.TryInt64(++i, out minMatchLength))
                    return;
                minMatchLength = Math.Max(0, minMatchLength);
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        if (getLength && getIndexes)
        {
            c.Output.WriteError("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        if (!TryReadString(c, 1, out var a) || !TryReadString(c, 2, out var b))
            return;
        if ((long)(a.Length + 1) * (b.Length + 1) * sizeof(uint) > MaxTableBytes)
        {
            c.Output.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        var table = Table(a, b);
        int width = b.Length + 1;
        uint length = table[a.Length * width + b.Length];
        if (getLength)
        {
            c.Output.WriteInteger(length);
            return;
        }
        var common = new byte[length];
        var matches = new List<(int AStart, int AEnd, int BStart, int BEnd)>();
        Backtrack(a, b, table, common, getIndexes, minMatchLength, matches);
        if (!getIndexes)
        {
            c.Output.WriteBulkString(common);
            return;
        }
        c.Output.WriteMapHeader(2);
        c.Output.WriteBulkString("matches"u8);
        c.Output.WriteArrayHeader(matches.Count);
        foreach (var m in matches)
        {
            c.Output.WriteArrayHeader(withMatchLength ? 3 : 2);
            WriteRange(c, m.AStart, m.AEnd);
            WriteRange(c, m.BStart, m.BEnd);
            if (withMatchLength)
                c.Output.WriteInteger(m.AEnd - m.AStart + 1);
        }
        c.Output.WriteBulkString("len"u8);
        c.Output.WriteInteger(length);
    }

    private static bool TryReadString(CommandContext c, int index, out byte[] value)
    {
        var type = c.Keyspace.Get(c.Arg(index));
        value = type == KeyType.String ? c.Keyspace.Value.Span.ToArray() : [];
        if (type is KeyType.None or KeyType.String)
            return true;
        c.Output.WriteError(Errors.WrongType);
        return false;
    }

    /// <summary>table[i, j] = length of the LCS of a[..i] and b[..j].</summary>
    private static uint[] Table(byte[] a, byte[] b)
    {
        int width = b.Length + 1;
        var table = new uint[(a.Length + 1) * width];
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                table[i * width + j] = a[i - 1] == b[j - 1]
                    ? table[(i - 1) * width + j - 1] + 1
                    : Math.Max(table[(i - 1) * width + j], table[i * width + j - 1]);
        return table;
    }

    /// <summary>Walks back from the end, filling the common string and collecting contiguous match ranges (newest first, as Redis).</summary>
    private static void Backtrack(byte[] a, byte[] b, uint[] table, byte[] common, bool collect, long minMatchLength,
        List<(int, int, int, int)> matches)
    {
        int width = b.Length + 1;
        int i = a.Length, j = b.Length, idx = common.Length;
        int aStart = a.Length, aEnd = 0, bStart = 0, bEnd = 0;   // aStart == a.Length: no range open
        while (i > 0 && j > 0)
        {
            bool emit = false;
            if (a[i - 1] == b[j - 1])
            {
                common[idx - 1] = a[i - 1];
                if (aStart == a.Length)
                {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                else if (aStart == i && bStart == j)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0)
                    emit = true;
                idx--;
                i--;
                j--;
            }
            else
            {
                if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
                else j--;
                if (aStart != a.Length)
                    emit = true;
            }
            if (emit)
            {
                int matchLength = aEnd - aStart + 1;
                if (collect && (minMatchLength == 0 || matchLength >= minMatchLength))
                    matches.Add((aStart, aEnd, bStart, bEnd));
                aStart = a.Length;
            }
        }
    }

    private static void WriteRange(CommandContext c, int start, int end)
    {
        c.Output.WriteArrayHeader(2);
        c.Output.WriteInteger(start);
        c.Output.WriteInteger(end);
    }
}
