using Istore.Net.Resp;

namespace Istore.Ranklist;

/// <summary>RL.RECALL's reply, written alike by the node and the proxy: members best first, WITHSCORES as in ZRANGE (RESP3: pairs).</summary>
public static class RecallReply
{
    public static void Write(RespWriter output, IReadOnlyList<RecallEntry> top, bool withScores)
    {
        output.WriteArrayHeader(withScores && !output.IsResp3 ? top.Count * 2 : top.Count);
        foreach (var entry in top)
        {
            if (withScores && output.IsResp3)
                output.WriteArrayHeader(2);
            output.WriteBulkString(entry.Member.Span);
            if (withScores)
                output.WriteDouble(entry.Score);
        }
    }
}
