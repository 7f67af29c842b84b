using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;

namespace Istore.Ranklist;

/// <summary>
/// RL.RECALL count LISTS n key weight [key weight …] [AGG SUM|MAX] [DEPTH d] [EXCLUDE m key [key …]] [WITHSCORES],
/// parsed once for the node and the proxy alike, so both accept and refuse exactly the same
/// requests with the same errors. Keys are named by their argument index.
/// </summary>
public sealed class RecallArguments
{
    /// <summary>The largest count served: a recall returns a page of candidates, not a whole index.</summary>
    public const int MaxCount = 100_000;

    public int Count { get; private set; }

    public List<(int KeyAt, double Weight)> Lists { get; } = [];

    public RecallAggregate Aggregate { get; private set; } = RecallAggregate.Sum;

    public int Depth { get; private set; } = int.MaxValue;

    public List<int> ExcludeKeys { get; } = [];

    public bool WithScores { get; private set; }

    /// <summary>The arguments, or the error the command answers with (null when they are valid).</summary>
    public static RecallArguments? Parse(CommandArgs args, out string? error)
    {
        var request = new RecallArguments();
        error = request.Read(args);
        return error is null ? request : null;
    }

    private string? Read(CommandArgs args)
    {
        if (!RedisNumber.TryParseInt64(args[1], out long count))
            return NotInteger;
        if (count < 1 || count > MaxCount)
            return $"ERR count must be between 1 and {MaxCount}";
        Count = (int)count;
        if (!Is(args, 2, "LISTS"))
            return Syntax;
        if (!RedisNumber.TryParseInt64(args[3], out long lists))
            return NotInteger;
        if (lists < 1)
            return "ERR at least 1 list is needed";
        if (lists > (args.Count - 4) / 2)
            return "ERR number of lists doesn't match the key weight pairs given";
        for (int i = 4; i < 4 + 2 * lists; i += 2)
        {
            if (!RedisNumber.TryParseDouble(args[i + 1], out double weight))
                return "ERR weight value is not a float";
            Lists.Add((i, weight));
        }
        for (int i = 4 + 2 * (int)lists; i < args.Count; i++)
        {
            if (Is(args, i, "WITHSCORES"))
                WithScores = true;
            else if (Is(args, i, "AGG") && i + 1 < args.Count)
            {
                if (Is(args, ++i, "SUM")) Aggregate = RecallAggregate.Sum;
                else if (Is(args, i, "MAX")) Aggregate = RecallAggregate.Max;
                else return Syntax;
            }
            else if (Is(args, i, "DEPTH") && i + 1 < args.Count)
            {
                if (!RedisNumber.TryParseInt64(args[++i], out long depth))
                    return NotInteger;
                if (depth < 1)
                    return "ERR DEPTH must be positive";
                Depth = (int)Math.Min(depth, int.MaxValue);
            }
            else if (Is(args, i, "EXCLUDE") && i + 1 < args.Count)
            {
                if (!RedisNumber.TryParseInt64(args[++i], out long keys))
                    return NotInteger;
                if (keys < 1 || keys > args.Count - i - 1)
                    return "ERR number of EXCLUDE keys doesn't match the keys given";
                for (int k = 0; k < keys; k++)
                    ExcludeKeys.Add(++i);
            }
            else
                return Syntax;
        }
        return null;
    }

    private const string Syntax = "ERR syntax error";
    private const string NotInteger = "ERR value is not an integer or out of range";

    private static bool Is(CommandArgs args, int index, string word) => Ascii.EqualsIgnoreCase(args[index], word);
}
