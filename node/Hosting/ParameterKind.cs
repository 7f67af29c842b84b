using System.Text;
using Istore.Node.Commands;

namespace Istore.Node.Hosting;

/// <summary>
/// What values a CONFIG parameter takes, checked with Redis's rules and error texts; a valid
/// value comes back in the form CONFIG GET shows (yes/no, a byte count, the enum's own spelling).
/// </summary>
internal abstract record ParameterKind
{
    public abstract (string? Value, string? Error) Check(string value);

    public static readonly ParameterKind Bool = new YesNo();

    public static readonly ParameterKind Text = new AnyText();

    public static readonly ParameterKind SavePoints = new SaveRules();

    public static readonly ParameterKind Percentiles = new PercentileList();

    /// <summary>latency-tracking-info-percentiles: numbers from 0 to 100, shown as Redis prints them ("%f" without trailing zeros).</summary>
    private sealed record PercentileList : ParameterKind
    {
        public override (string?, string?) Check(string value)
        {
            var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var shown = new string[words.Length];
            for (int i = 0; i < words.Length; i++)
            {
                if (!double.TryParse(words[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double p))
                    return (null, "Invalid latency-tracking-info-percentiles parameters");
                if (!(p >= 0 && p <= 100))
                    return (null, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
                shown[i] = p.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
            }
            return (string.Join(' ', shown), null);
        }
    }

    /// <summary>save: pairs of "seconds changes" (seconds ≥ 1, changes ≥ 0), or nothing.</summary>
    private sealed record SaveRules : ParameterKind
    {
        public override (string?, string?) Check(string value)
        {
            var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < words.Length; i++)
                if (!long.TryParse(words[i], System.Globalization.NumberStyles.AllowLeadingSign, null, out long n) || n < (i % 2 == 0 ? 1 : 0))
                    return (null, "Invalid save parameters");
            return words.Length % 2 == 0 ? (string.Join(' ', words), null) : (null, "Invalid save parameters");
        }
    }

    private sealed record YesNo : ParameterKind
    {
        public override (string?, string?) Check(string value) =>
            value.Equals("yes", StringComparison.OrdinalIgnoreCase) ? ("yes", null)
            : value.Equals("no", StringComparison.OrdinalIgnoreCase) ? ("no", null)
            : (null, "argument must be 'yes' or 'no'");
    }

    private sealed record AnyText : ParameterKind
    {
        public override (string?, string?) Check(string value) => (value, null);
    }

    /// <summary>A whole number in [Min, Max]; Memory also takes units (1k = 1000, 1kb = 1024…), Percent also "N%".</summary>
    public sealed record Number(decimal Min, decimal Max, bool Memory, bool Percent) : ParameterKind
    {
        public override (string?, string?) Check(string value)
        {
            decimal n;
            if (Memory && Istore.Net.Server.MemoryAmount.TryParse(value, out n)) { }
            else if (Percent && value.Length > 1 && value[^1] == '%' && RedisNumber.TryParseInt64(Encoding.ASCII.GetBytes(value[..^1]), out long percent) && percent >= 0)
                return -percent < Min ? (null, $"percentage argument must be less or equal to {-Min}")
                    : (percent == 0 ? "0" : $"{percent}%", null);   // Redis keeps a percentage as a negative number: 0% is 0
            else if (!Memory && RedisNumber.TryParseInt64(Encoding.UTF8.GetBytes(value), out long parsed)) n = parsed;
            else
                return (null, Percent ? "argument must be a memory or percent value" : Memory ? "argument must be a memory value" : "argument couldn't be parsed into an integer");
            if (n < Min || n > Max)
                return (null, $"argument must be between {Min} and {Max} inclusive");
            return (n.ToString(), null);
        }
    }

    /// <summary>One of Redis's enum words (or, for Several, a space-separated list of them).</summary>
    public sealed record OneOf(string[] Choices, bool Several) : ParameterKind
    {
        public override (string?, string?) Check(string value)
        {
            var words = Several ? value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [value];
            var canonical = new List<string>();
            foreach (var word in words)
            {
                var match = Array.Find(Choices, choice => choice.Equals(word, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                    return (null, "argument(s) must be one of the following: " + string.Join(", ", Choices));
                canonical.Add(match);
            }
            return (string.Join(' ', canonical), null);
        }
    }
}
