using System.Globalization;
using System.Text;

namespace Istore.Net.Resp;

/// <summary>The kind of a reply value (RESP type byte in brackets).</summary>
public enum RespType : byte
{
    SimpleString,   // +
    Error,          // -
    Integer,        // :
    BulkString,     // $
    Array,          // *
    Null,           // _ (and RESP2's $-1 and *-1)
    Boolean,        // #
    Double,         // ,
    BigNumber,      // (
    BlobError,      // !
    Verbatim,       // =
    Map,            // %
    Set,            // ~
    Push,           // >
    Attribute,      // | (only as RespValue.Attributes)
}

/// <summary>
/// One materialised reply, for clients and tests (a proxy forwards raw frames instead).
/// Aggregates hold their items; maps and attributes hold them flattened as key, value, key, value.
/// </summary>
public sealed class RespValue
{
    private static readonly RespValue[] NoItems = [];
    private readonly byte[]? _bytes;
    private readonly long _integer;
    private readonly double _double;
    private readonly RespValue[]? _items;

    private RespValue(RespType type, byte[]? bytes = null, long integer = 0, double number = 0, RespValue[]? items = null)
    {
        Type = type;
        _bytes = bytes;
        _integer = integer;
        _double = number;
        _items = items;
    }

    public RespType Type { get; }

    /// <summary>RESP3 attributes that preceded this value (a map-like <see cref="RespType.Attribute"/>), if any.</summary>
    public RespValue? Attributes { get; internal set; }

    public bool IsNull => Type == RespType.Null;

    public bool IsError => Type is RespType.Error or RespType.BlobError;

    public bool IsAggregate => _items != null;

    /// <summary>The items of an aggregate (maps and attributes flattened to key, value pairs).</summary>
    public IReadOnlyList<RespValue> Items => _items ?? throw WrongType("an aggregate");

    public int Count => Items.Count;

    public RespValue this[int index] => Items[index];

    /// <summary>The key/value pairs of a map or attribute (or of a RESP2 flat array of pairs).</summary>
    public IEnumerable<KeyValuePair<RespValue, RespValue>> Pairs
    {
        get
        {
            var items = Items;
            if (items.Count % 2 != 0)
                throw WrongType("pairs");
            for (int i = 0; i < items.Count; i += 2)
                yield return new(items[i], items[i + 1]);
        }
    }

    /// <summary>Verbatim strings: the three-letter format ("txt", "mkd").</summary>
    public string? VerbatimFormat => Type == RespType.Verbatim ? Encoding.ASCII.GetString(_bytes!, 0, 3) : null;

    /// <summary>
    /// The value as text: strings and errors (UTF-8), numbers in their wire form, booleans as
    /// "1"/"0" (what RESP2 sends), null as null. Aggregates throw.
    /// </summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Integer or RespType.Boolean => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Verbatim => Encoding.UTF8.GetString(_bytes!, 4, _bytes!.Length - 4),
        _ when _bytes != null => Encoding.UTF8.GetString(_bytes),
        _ => throw WrongType("a string"),
    };

    /// <summary>The raw bytes of a string-like value (verbatim without its format prefix); null for null.</summary>
    public byte[]? AsBytes() => Type switch
    {
        RespType.Null => null,
        RespType.Integer or RespType.Boolean => Encoding.ASCII.GetBytes(AsString()!),
        RespType.Verbatim => _bytes![4..],
        _ => _bytes ?? throw WrongType("bytes"),
    };

    /// <summary>Integers and booleans, or a string holding a 64-bit integer (as RESP2 sends many numbers).</summary>
    public long AsInteger()
    {
        if (Type is RespType.Integer or RespType.Boolean)
            return _integer;
        if (!IsError && _bytes != null && RespFrameScanner.TryParseInteger(Text, out long value))
            return value;
        throw WrongType("an integer");
    }

    /// <summary>Doubles, integers, or a string holding a number (RESP2 sends doubles as bulk strings).</summary>
    public double AsDouble()
    {
        if (Type == RespType.Double)
            return _double;
        if (Type == RespType.Integer)
            return _integer;
        if (!IsError && _bytes != null && RespFrameScanner.TryParseDouble(Text, out double value))
            return value;
        throw WrongType("a double");
    }

    /// <summary>RESP3 booleans, or RESP2's integer 1/0.</summary>
    public bool AsBoolean() => Type is RespType.Boolean or RespType.Integer && _integer is 0 or 1
        ? _integer == 1
        : throw WrongType("a boolean");

    /// <summary>The items of an aggregate as strings (null for null items).</summary>
    public string?[] AsStringArray() => Items.Select(i => i.AsString()).ToArray();

    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb);
        return sb.ToString();
    }

    private ReadOnlySpan<byte> Text => Type == RespType.Verbatim ? _bytes.AsSpan(4) : _bytes;

    private InvalidOperationException WrongType(string wanted)
    {
        var text = ToString();
        if (text.Length > 200)
            text = text[..200] + "…";   // a multi-megabyte reply should not become the message
        return new($"Cannot read {Type} reply {text} as {wanted}");
    }

    /// <summary>A compact one-line debugging form: <c>+OK</c>, <c>"bulk"</c>, <c>[1, nil]</c>, <c>{"k": "v"}</c>.</summary>
    private void Append(StringBuilder sb)
    {
        if (Attributes != null)
        {
            Attributes.Append(sb);
            sb.Append(' ');
        }
        switch (Type)
        {
            case RespType.SimpleString: sb.Append('+').Append(AsString()); break;
            case RespType.Error: sb.Append('-').Append(AsString()); break;
            case RespType.BlobError: sb.Append('!'); RedisRepr.Append(sb, _bytes!); break;
            case RespType.Integer: sb.Append(_integer); break;
            case RespType.BulkString: RedisRepr.Append(sb, _bytes!); break;
            case RespType.Null: sb.Append("nil"); break;
            case RespType.Boolean: sb.Append(_integer == 1 ? "true" : "false"); break;
            case RespType.Double: sb.Append(',').Append(AsString()); break;
            case RespType.BigNumber: sb.Append('(').Append(AsString()); break;
            case RespType.Verbatim: sb.Append(VerbatimFormat).Append(':'); RedisRepr.Append(sb, _bytes.AsSpan(4)); break;
            case RespType.Array: AppendItems(sb, "[", "]", ", "); break;
            case RespType.Set: AppendItems(sb, "~[", "]", ", "); break;
            case RespType.Push: AppendItems(sb, ">[", "]", ", "); break;
            case RespType.Map: AppendItems(sb, "{", "}", ": "); break;
            case RespType.Attribute: AppendItems(sb, "|{", "}", ": "); break;
        }
    }

    /// <summary>Items separated by ", ", except that map keys are followed by <paramref name="keySeparator"/>.</summary>
    private void AppendItems(StringBuilder sb, string open, string close, string keySeparator)
    {
        sb.Append(open);
        for (int i = 0; i < _items!.Length; i++)
        {
            if (i > 0)
                sb.Append(i % 2 == 1 ? keySeparator : ", ");
            _items[i].Append(sb);
        }
        sb.Append(close);
    }

    /// <summary>Parses one complete value from the start of <paramref name="frame"/>; throws if there is none.</summary>
    public static RespValue Parse(ReadOnlySpan<byte> frame) =>
        RespValueReader.TryRead(frame, out var value, out _, out string? error) switch
        {
            ParseResult.Complete => value!,
            ParseResult.Incomplete => throw new FormatException("Incomplete RESP value"),
            _ => throw new FormatException(error),
        };

    internal static RespValue String(RespType type, byte[] bytes) => new(type, bytes);

    internal static RespValue Integer(long value) => new(RespType.Integer, integer: value);

    internal static RespValue Boolean(bool value) => new(RespType.Boolean, integer: value ? 1 : 0);

    internal static RespValue Double(byte[] text, double value) => new(RespType.Double, text, number: value);

    internal static RespValue Null() => new(RespType.Null);

    internal static RespValue Aggregate(RespType type, RespValue[] items) => new(type, items: items.Length == 0 ? NoItems : items);
}
