using System.Buffers.Text;
using Istore.Net.Resp;
using Istore.Ranklist;

namespace Istore.Proxy.Pipeline;

/// <summary>
/// One RL.RECALL whose keys live on several shards, in flight: the algorithm's state
/// (<see cref="ClusterRecall"/>), the keys it names by index, and the round being answered. Each
/// step of a round is a fragment of the request's slot; the next round is sent when the last
/// fragment answers, so a reply always belongs to the current round.
/// </summary>
internal sealed class RecallRun
{
    public RecallRun(CommandArgs args, RecallArguments request, Func<byte[], int> shardOf)
    {
        Request = request;
        ListKeys = [.. request.Lists.Select(list => args.ToArray(list.KeyAt))];
        WeightTexts = [.. request.Lists.Select(list => args.ToArray(list.KeyAt + 1))];
        ExcludeKeys = [.. request.ExcludeKeys.Select(args.ToArray)];
        Recall = new ClusterRecall(request.Count, [.. request.Lists.Select(list => list.Weight)], request.Aggregate, request.Depth, ExcludeKeys.Length,
            [.. ListKeys.Select(shardOf)]);
    }

    public RecallArguments Request { get; }

    public ClusterRecall Recall { get; }

    public byte[][] ListKeys { get; }

    /// <summary>The weights as the client wrote them: the node parses them exactly as RL.RECALL does.</summary>
    public byte[][] WeightTexts { get; }

    public byte[][] ExcludeKeys { get; }

    public IReadOnlyList<RecallStep> Steps { get; set; } = [];

    /// <summary>Steps of the current round not answered yet.</summary>
    public int Pending { get; set; }

    public byte[] KeyOf(RecallStep step) => step.Kind switch
    {
        RecallStepKind.Excluded => ExcludeKeys[step.Target],
        RecallStepKind.PartialTop or RecallStepKind.PartialAbove or RecallStepKind.PartialScores => ListKeys[step.Lists[0]],
        _ => ListKeys[step.Target],
    };

    /// <summary>The node command for <paramref name="step"/>: RL.WINDOW, RL.WINDOWSCORE, RL.EXCLUDED or RL.PARTIAL.</summary>
    public void WriteCommand(RecallStep step, RespWriter writer)
    {
        switch (step.Kind)
        {
            case RecallStepKind.Rows:
                bool min = step.Min > double.NegativeInfinity;
                writer.WriteArrayHeader(min ? 8 : 6);
                writer.WriteBulkString("RL.WINDOW"u8);
                writer.WriteBulkString(ListKeys[step.Target]);
                writer.WriteBulkString(WeightTexts[step.Target]);
                WriteNumber(writer, Request.Depth);
                WriteNumber(writer, step.Offset);
                WriteNumber(writer, step.Limit);
                if (min)
                {
                    writer.WriteBulkString("MIN"u8);
                    Span<byte> text = stackalloc byte[32];
                    writer.WriteBulkString(text[..DoubleFormat.Format(step.Min, text)]);
                }
                break;
            case RecallStepKind.Scores:
                writer.WriteArrayHeader(3 + step.Members.Count);
                writer.WriteBulkString("RL.WINDOWSCORE"u8);
                writer.WriteBulkString(ListKeys[step.Target]);
                WriteNumber(writer, Request.Depth);
                foreach (var member in step.Members)
                    writer.WriteBulkString(member);
                break;
            case RecallStepKind.Excluded:
                writer.WriteArrayHeader(2 + step.Members.Count);
                writer.WriteBulkString("RL.EXCLUDED"u8);
                writer.WriteBulkString(ExcludeKeys[step.Target]);
                foreach (var member in step.Members)
                    writer.WriteBulkString(member);
                break;
            default:
                WritePartial(step, writer);
                break;
        }
    }

    /// <summary>RL.PARTIAL numkeys key weight … depth SUM|MAX (TOP count | ABOVE min | SCORES member …) for the step's group of lists.</summary>
    private void WritePartial(RecallStep step, RespWriter writer)
    {
        int modeArgs = step.Kind == RecallStepKind.PartialScores ? 1 + step.Members.Count : 2;
        writer.WriteArrayHeader(2 + 2 * step.Lists.Count + 2 + modeArgs);
        writer.WriteBulkString("RL.PARTIAL"u8);
        WriteNumber(writer, step.Lists.Count);
        foreach (int list in step.Lists)
        {
            writer.WriteBulkString(ListKeys[list]);
            writer.WriteBulkString(WeightTexts[list]);
        }
        WriteNumber(writer, Request.Depth);
        writer.WriteBulkString(Request.Aggregate == RecallAggregate.Sum ? "SUM"u8 : "MAX"u8);
        switch (step.Kind)
        {
            case RecallStepKind.PartialTop:
                writer.WriteBulkString("TOP"u8);
                WriteNumber(writer, step.Limit);
                break;
            case RecallStepKind.PartialAbove:
                writer.WriteBulkString("ABOVE"u8);
                Span<byte> text = stackalloc byte[32];
                writer.WriteBulkString(text[..DoubleFormat.Format(step.Min, text)]);
                break;
            default:
                writer.WriteBulkString("SCORES"u8);
                foreach (var member in step.Members)
                    writer.WriteBulkString(member);
                break;
        }
    }

    /// <summary>Fills the step's reply fields from the shard's reply, or its <see cref="RecallStep.Error"/>.</summary>
    public static void ReadReply(RecallStep step, ReadOnlySpan<byte> reply)
    {
        try
        {
            var value = RespValue.Parse(reply);
            if (value.IsError)
            {
                step.Error = value.AsString() ?? "ERR";
                return;
            }
            switch (step.Kind)
            {
                case RecallStepKind.Rows:
                    step.WindowLength = (int)value[0].AsInteger();
                    var rows = value[1];
                    for (int i = 0; i + 1 < rows.Count; i += 2)
                        step.Rows.Add((rows[i].AsBytes()!, rows[i + 1].AsDouble()));
                    break;
                case RecallStepKind.Scores:
                    step.Scores = [.. value.Items.Select(score => score.IsNull ? (double?)null : score.AsDouble())];
                    break;
                case RecallStepKind.Excluded:
                    step.ExcludedFlags = [.. value.Items.Select(flag => flag.AsInteger() != 0)];
                    break;
                default:   // RL.PARTIAL: [non-negative, complete, rows in PartialRowFormat]
                    step.NonNegative = value[0].AsInteger() != 0;
                    step.Complete = value[1].AsInteger() != 0;
                    PartialRowFormat.Read(value[2].AsBytes(), step.Lists.Count, step.Partials);
                    break;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            step.Error = "ERR unexpected reply from a backend: " + ex.Message;
        }
    }

    private static void WriteNumber(RespWriter writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        writer.WriteBulkString(digits[..length]);
    }
}
