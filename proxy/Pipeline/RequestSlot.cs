using System.Runtime.CompilerServices;
using Istore.Net.Resp;
using Istore.Net.Routes;
using Istore.Proxy.Hosting;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Pipeline;

/// <summary>
/// One request's place in its client's reply order. It becomes ready when its reply (or, for a
/// split command, every fragment's reply) has arrived; it is reused once flushed.
/// </summary>
internal sealed class RequestSlot
{
    /// <summary>Replies up to this size (statuses, integers, small values) are kept in the slot itself.</summary>
    private const int SmallReplySize = 80;

    private SmallReply _small;
    /// <summary>The length of the reply kept in <see cref="_small"/>, or -1 when it is in <see cref="_reply"/>.</summary>
    private int _smallLength;
    private RespWriter? _reply;
    private RespWriter? _request;

    public RequestSlot(ClientSession owner) => Owner = owner;

    /// <summary>The client that waits for this slot (it may have disconnected meanwhile).</summary>
    public ClientSession Owner { get; }

    public long Sequence { get; private set; }

    public bool IsReady { get; private set; }

    /// <summary>Joins the fragments of a split or fanned-out command; null for a single backend reply.</summary>
    public ReplyJoin? Join { get; set; }

    /// <summary>An RL.RECALL across shards in flight: its fragments are the steps of its current round.</summary>
    public RecallRun? Recall { get; set; }

    /// <summary>Where the command's latency and errors are counted.</summary>
    public CommandCounters? Counters { get; set; }

    public long StartTimestamp { get; set; }

    /// <summary>The reply kept by <see cref="Keep"/>; empty until then.</summary>
    public ReadOnlySpan<byte> Reply => !IsReady ? default : _smallLength >= 0 ? ((ReadOnlySpan<byte>)_small)[.._smallLength] : _reply!.WrittenSpan;

    /// <summary>The request as sent (empty unless <see cref="SentTo"/> is set), kept (routes from HA only) so a -READONLY from a master that was just switched over can be sent to the new one.</summary>
    public ReadOnlySpan<byte> Request => SentTo is null || _request is null ? default : _request.WrittenSpan;

    /// <summary>Where the kept request went: its shard (of how many) and the backend.</summary>
    public (int Shard, int Shards, Endpoint Backend)? SentTo { get; private set; }

    /// <summary>
    /// While a scale step moves keys: the command's arguments, kept while its keys move to their
    /// new shard; it is routed when every move has answered. Null otherwise.
    /// </summary>
    public byte[][]? AfterMoves { get; set; }

    /// <summary>The route table version the moves were made by: a newer table may move the keys again.</summary>
    public long MovesVersion { get; set; }

    /// <summary>
    /// The route table version a shard guard's refusal last routed it again by (-1: never): a
    /// refusal under that same table is the client's answer.
    /// </summary>
    public long ReroutedBy { get; set; } = -1;

    public void Reset(long sequence)
    {
        AfterMoves = null;
        ReroutedBy = -1;
        Sequence = sequence;
        IsReady = false;
        Join = null;
        Recall = null;
        Counters = null;
        SentTo = null;
        // The kept reply and request are cleared when written again (Keep, KeepRequest), not here:
        // most slots never use them, and touching them per request cost ~3% of the proxy's CPU.
    }

    public void KeepRequest(ReadOnlySpan<byte> request, int shard, int shards, Endpoint backend)
    {
        (_request ??= new RespWriter(256)).Clear();
        _request.WriteRaw(request);
        SentTo = (shard, shards, backend);
    }

    /// <summary>Sent again: a second -READONLY is the client's answer.</summary>
    public void Resent() => SentTo = null;

    /// <summary>
    /// Keeps a reply that arrived before the slots ahead of it were flushed: a small one in the
    /// slot (no second object to touch per reply), a bigger one in a buffer of its own.
    /// </summary>
    public void Keep(ReadOnlySpan<byte> reply)
    {
        if (reply.Length <= SmallReplySize)
        {
            reply.CopyTo(_small);
            _smallLength = reply.Length;
        }
        else
        {
            (_reply ??= new RespWriter(256)).Clear();
            _reply.WriteRaw(reply);
            _smallLength = -1;
        }
        IsReady = true;
    }

    [InlineArray(SmallReplySize)]
    private struct SmallReply
    {
        private byte _first;
    }
}
