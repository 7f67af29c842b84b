namespace Istore.Node.Keyspace;

/// <summary>Redis's glob matching (KEYS, SCAN MATCH): * ? [abc] [^a] [a-z] and \ escapes, byte-wise.</summary>
public sealed class GlobPattern(byte[] pattern)
{
    private readonly byte[] _pattern = pattern;

    public bool MatchesEverything => _pattern is [(byte)'*'];

    public bool IsMatch(ReadOnlySpan<byte> text) => MatchesEverything || Match(_pattern, text, 0);

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, int depth)
    {
        // Deeply nested stars cannot blow the stack: give up matching, like Redis's nesting guard.
        if (depth > 1000)
            return false;
        while (!p.IsEmpty)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == (byte)'*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (int i = 0; i <= s.Length; i++)
                        if (Match(p[1..], s[i..], depth + 1)) return true;
                    return false;
                case (byte)'?':
                    if (s.IsEmpty) return false;
                    s = s[1..];
                    p = p[1..];
                    break;
                case (byte)'[':
                    if (s.IsEmpty || !MatchClass(ref p, s[0])) return false;
                    s = s[1..];
                    break;
                default:
                    if (p[0] == (byte)'\\' && p.Length >= 2) p = p[1..];
                    if (s.IsEmpty || s[0] != p[0]) return false;
                    s = s[1..];
                    p = p[1..];
                    break;
            }
        }
        return s.IsEmpty;
    }

    /// <summary>Matches one byte against a [class], advancing the pattern past it.</summary>
    private static bool MatchClass(ref ReadOnlySpan<byte> p, byte c)
    {
        p = p[1..];
        bool not = !p.IsEmpty && p[0] == (byte)'^';
        if (not) p = p[1..];
        bool match = false;
        while (!p.IsEmpty && p[0] != (byte)']')
        {
            if (p[0] == (byte)'\\' && p.Length >= 2)
            {
                p = p[1..];
                if (p[0] == c) match = true;
            }
            else if (p.Length >= 3 && p[1] == (byte)'-' && p[2] != (byte)']')
            {
                byte lo = Math.Min(p[0], p[2]), hi = Math.Max(p[0], p[2]);
                if (c >= lo && c <= hi) match = true;
                p = p[2..];
            }
            else if (p[0] == c)
            {
                match = true;
            }
            p = p[1..];
        }
        if (!p.IsEmpty) p = p[1..];   // the closing ]
        return not ? !match : match;
    }
}
