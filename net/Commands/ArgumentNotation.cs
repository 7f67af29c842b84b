namespace Istore.Net.Commands;

/// <summary>
/// The table's short form of a command's argument tree (COMMAND DOCS), close to the syntax line of
/// Redis's documentation:
/// <c>key:key value [condition=[NX | XX]]{2.6.12} [GET]{6.2.0} [expiration=[EX seconds:integer | KEEPTTL]]</c>.
/// <list type="bullet">
/// <item>A word with a lowercase letter is an argument, <c>name[:type][@n]</c>: the type is string
/// unless one of integer, double, key, pattern, unix-time follows the colon (so "ip:port" is a
/// name); a key takes the next key spec index, <c>@n</c> gives one outright.</item>
/// <item>Any other word is a token (also <c>*</c>, <c>$</c>, <c>=</c>, <c>~</c>, and <c>""</c> for the
/// empty word). Followed by an argument or a group, it introduces that one (<c>EX seconds</c>);
/// otherwise it is a pure-token named by its lowercase.</item>
/// <item><c>(a b)</c> is a block, <c>(a | b)</c> a oneof; <c>[…]</c> the same made optional, except
/// that one element in brackets is that element, optional. A group is named by its members' names
/// joined with '_'.</item>
/// <item><c>name=</c> before an element names it. After an element, <c>...</c> makes it multiple
/// (when the element already carries its token, as in <c>[GET pattern]...</c>, the token repeats:
/// multiple_token), and <c>{since}</c> or <c>{since,deprecated-since}</c> dates it.</item>
/// </list>
/// </summary>
public static class ArgumentNotation
{
    private static readonly (string Name, ArgumentType Type)[] LeafTypes =
    [
        ("string", ArgumentType.String), ("integer", ArgumentType.Integer), ("double", ArgumentType.Double),
        ("key", ArgumentType.Key), ("pattern", ArgumentType.Pattern), ("unix-time", ArgumentType.UnixTime),
    ];

    /// <summary>Parses <paramref name="notation"/>, the arguments of <paramref name="command"/> (named in errors).</summary>
    public static CommandArgument[] Parse(string notation, string command) => new Parser(notation, command).All();

    private sealed class Parser(string text, string command)
    {
        private int _pos;
        private int _nextKeySpec;

        public CommandArgument[] All()
        {
            var all = Sequence();
            if (_pos < text.Length)
                throw Bad($"unexpected '{text[_pos]}'");
            return [.. all];
        }

        /// <summary>Elements up to the end, a closing bracket or a '|'.</summary>
        private List<CommandArgument> Sequence()
        {
            var elements = new List<CommandArgument>();
            while (true)
            {
                SkipSpaces();
                if (_pos == text.Length || text[_pos] is ']' or ')' or '|')
                    return elements;
                elements.Add(Element());
            }
        }

        private CommandArgument Element()
        {
            SkipSpaces();
            string? name = null;
            CommandArgument element;
            if (text[_pos] is '[' or '(')
            {
                element = Group();
            }
            else
            {
                string word = Word();
                int equals = word.IndexOf('=');
                if (equals > 0)
                {
                    name = word[..equals];
                    word = word[(equals + 1)..];
                }
                element = word.Length == 0 && _pos < text.Length && text[_pos] is '[' or '(' ? Group()
                    : word.Length == 0 ? throw Bad($"nothing named '{name}'")
                    : IsToken(word) ? Token(word == "\"\"" ? "" : word, named: name is not null)
                    : Leaf(word);
            }
            return name is null ? element : element with { Name = name };
        }

        /// <summary>A token: the token of the element after it, or a pure-token.</summary>
        private CommandArgument Token(string token, bool named)
        {
            if (_pos < text.Length && text[_pos] == '{')
                return Suffixes(PureToken(token, named));
            SkipSpaces();
            if (!StartsElement())
                return PureToken(token, named);
            var element = Element();
            if (element.Token is not null)
                throw Bad($"two tokens, {token} and {element.Token}");
            return element with { Token = token };
        }

        private CommandArgument PureToken(string token, bool named)
        {
            if (!named && !token.Any(char.IsLetter))
                throw Bad($"the token '{token}' needs a name");
            return new CommandArgument(token.ToLowerInvariant(), ArgumentType.PureToken) { Token = token };
        }

        /// <summary>True when an argument or a group follows (a bare token does not: it is its own pure-token).</summary>
        private bool StartsElement()
        {
            if (_pos == text.Length || text[_pos] is ']' or ')' or '|')
                return false;
            if (text[_pos] is '[' or '(')
                return true;
            int end = _pos;
            while (end < text.Length && !IsDelimiter(text[end]))
                end++;
            var word = text[_pos..end];
            return word.Contains('=') ? word.IndexOf('=') > 0 : !IsToken(word);
        }

        private CommandArgument Leaf(string word)
        {
            var flags = ArgumentFlags.None;
            if (word.EndsWith("...", StringComparison.Ordinal))
            {
                flags = ArgumentFlags.Multiple;
                word = word[..^3];
            }
            int keySpec = -1;
            int at = word.IndexOf('@');
            if (at > 0)
            {
                if (!int.TryParse(word.AsSpan(at + 1), out keySpec) || keySpec < 0)
                    throw Bad($"bad key spec index in '{word}'");
                word = word[..at];
            }
            var type = ArgumentType.String;
            int colon = word.LastIndexOf(':');
            if (colon > 0 && LeafTypes.Any(t => t.Name == word[(colon + 1)..]))
            {
                type = LeafTypes.First(t => t.Name == word[(colon + 1)..]).Type;
                word = word[..colon];
            }
            if (keySpec < 0 && type == ArgumentType.Key)
                keySpec = _nextKeySpec;
            _nextKeySpec = Math.Max(_nextKeySpec, keySpec + 1);
            return Suffixes(new CommandArgument(word, type) { KeySpecIndex = keySpec, Flags = flags });
        }

        /// <summary>[…] or (…): a oneof of alternatives, a block of several elements, or one element made optional.</summary>
        private CommandArgument Group()
        {
            char open = text[_pos++];
            char close = open == '[' ? ']' : ')';
            var alternatives = new List<List<CommandArgument>>();
            while (true)
            {
                alternatives.Add(Sequence());
                if (_pos == text.Length)
                    throw Bad($"no '{close}'");
                if (text[_pos++] == close)
                    break;
                if (text[_pos - 1] != '|')
                    throw Bad($"'{text[_pos - 1]}' closes '{open}'");
            }
            CommandArgument group;
            if (alternatives.Count > 1)
            {
                if (alternatives.Any(a => a.Count != 1))
                    throw Bad("an alternative of a oneof is one element (group several in parentheses)");
                var members = alternatives.Select(a => a[0]).ToList();
                group = new CommandArgument(JoinedNames(members), ArgumentType.OneOf) { Arguments = members };
            }
            else if (alternatives[0].Count == 0)
            {
                throw Bad($"an empty '{open}{close}'");
            }
            else if (open == '[' && alternatives[0].Count == 1)
            {
                group = alternatives[0][0];
            }
            else
            {
                group = new CommandArgument(JoinedNames(alternatives[0]), ArgumentType.Block) { Arguments = alternatives[0] };
            }
            if (open == '[')
                group = group with { Flags = group.Flags | ArgumentFlags.Optional };
            return Suffixes(group);
        }

        /// <summary>"..." and "{since[,deprecated-since]}" right after an element.</summary>
        private CommandArgument Suffixes(CommandArgument element)
        {
            if (text.AsSpan(_pos).StartsWith("..."))
            {
                _pos += 3;
                var repeat = element.Token is null ? ArgumentFlags.Multiple : ArgumentFlags.Multiple | ArgumentFlags.MultipleToken;
                element = element with { Flags = element.Flags | repeat };
            }
            if (_pos < text.Length && text[_pos] == '{')
            {
                int end = text.IndexOf('}', _pos);
                if (end < 0)
                    throw Bad("no '}'");
                var versions = text[(_pos + 1)..end].Split(',');
                _pos = end + 1;
                element = element with
                {
                    Since = versions[0].Length > 0 ? versions[0] : null,
                    DeprecatedSince = versions.Length > 1 ? versions[1] : null,
                };
            }
            return element;
        }

        private string Word()
        {
            int start = _pos;
            while (_pos < text.Length && !IsDelimiter(text[_pos]))
                _pos++;
            if (_pos == start)
                throw Bad($"unexpected '{text[_pos]}'");
            return text[start.._pos];
        }

        private void SkipSpaces()
        {
            while (_pos < text.Length && text[_pos] == ' ')
                _pos++;
        }

        private static bool IsDelimiter(char c) => c is ' ' or '[' or ']' or '(' or ')' or '|' or '{' or '}';

        private static bool IsToken(string word) => !word.Any(char.IsLower);

        private static string JoinedNames(List<CommandArgument> members) => string.Join('_', members.Select(m => m.Name));

        private InvalidOperationException Bad(string what) =>
            new($"{command}: bad argument notation at {_pos} of '{text}': {what}");
    }
}
