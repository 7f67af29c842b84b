namespace Istore.Net.Text;

/// <summary>
/// Redis's glob matching (KEYS, SCAN MATCH, CONFIG GET, COMMAND LIST's PATTERN, here for the proxy too): * ? [abc] [^a] [a-z] and \ escapes,
/// byte-wise — a port of Redis's stringmatchlen, quirks included (an unclosed class runs to the
/// end of the pattern, "[a-]" is the range from ']' to 'a', a trailing backslash is literal).
/// </summary>
public sealed class GlobPattern(byte[] pattern, bool ignoreCase = false)
{
    private readonly byte[] _pattern = pattern;
    private readonly bool _ignoreCase = ignoreCase;

    /// <summary>"*": callers skip matching altogether (Redis's KEYS and SCAN do the same).</summary>
    public bool MatchesEverything => _pattern is [(byte)'*'];

    public bool IsMatch(ReadOnlySpan<byte> text)
    {
        if (MatchesEverything)
            return true;
        bool skipLongerMatches = false;
        return Match(_pattern, text, _ignoreCase, ref skipLongerMatches, 0);
    }

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool nocase, ref bool skipLongerMatches, int nesting)
    {
        // Deeply nested stars cannot blow the stack: give up matching, like Redis's nesting guard.
        if (nesting > 1000)
            return false;
        while (!p.IsEmpty && !s.IsEmpty)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == (byte)'*') p = p[1..];
                    if (p.Length == 1) return true;
                    while (!s.IsEmpty)
                    {
                        if (Match(p[1..], s, nocase, ref skipLongerMatches, nesting + 1)) return true;
                        if (skipLongerMatches) return false;
                        s = s[1..];
                    }
                    // No match for the rest of the pattern anywhere in the rest of the string:
                    // longer matches for earlier stars cannot help either.
                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    s = s[1..];
                    break;
                case (byte)'[':
                    if (!MatchClass(ref p, s[0], nocase)) return false;
                    s = s[1..];
                    break;
                default:
                    if (p[0] == (byte)'\\' && p.Length >= 2) p = p[1..];
                    if (!Same(p[0], s[0], nocase)) return false;
                    s = s[1..];
                    break;
            }
            p = p[1..];
            if (s.IsEmpty)
            {
                while (!p.IsEmpty && p[0] == (byte)'*') p = p[1..];
                break;
            }
        }
        return p.IsEmpty && s.IsEmpty;
    }

    /// <summary>
    /// Matches one byte against a [class]. On return <paramref name="p"/> starts at the class's
    /// last byte (its ']' or, unclosed, the pattern's last byte), which the caller then steps over.
    /// </summary>
    private static bool MatchClass(ref ReadOnlySpan<byte> p, byte c, bool nocase)
    {
        var whole = p;
        int i = 1;
        bool not = i < whole.Length && whole[i] == (byte)'^';
        if (not) i++;
        bool match = false;
        while (true)
        {
            int left = whole.Length - i;
            if (left >= 2 && whole[i] == (byte)'\\')
            {
                i++;
                if (whole[i] == c) match = true;
            }
            else if (left > 0 && whole[i] == (byte)']')
            {
                break;
            }
            else if (left <= 0)
            {
                i = whole.Length - 1;   // unclosed: the class runs to the end of the pattern
                break;
            }
            else if (left >= 3 && whole[i + 1] == (byte)'-')
            {
                int start = whole[i], end = whole[i + 2], ch = c;
                if (start > end) (start, end) = (end, start);
                if (nocase)
                {
                    start = Lower(start);
                    end = Lower(end);
                    ch = Lower(ch);
                }
                i += 2;
                if (ch >= start && ch <= end) match = true;
            }
            else if (Same(whole[i], c, nocase))
            {
                match = true;
            }
            i++;
        }
        p = whole[i..];
        return not ? !match : match;
    }

    private static bool Same(byte a, byte b, bool nocase) => a == b || (nocase && Lower(a) == Lower(b));

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;
}
