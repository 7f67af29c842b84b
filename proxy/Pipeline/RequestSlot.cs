using Istore.Net.Resp;
using Istore.Proxy.Hosting;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Pipeline;

/// <summary>
/// One request's place in its client's reply order. It becomes ready when its reply (or, for a
/// split command, every fragment's reply) has arrived; it is reused once flushed.
/// </summary>
internal sealed class RequestSlot
{
    private RespWriter? _reply;

    public RequestSlot(ClientSession owner) => Owner = owner;

    /// <summary>The client that waits for this slot (it may have disconnected meanwhile).</summary>
    public ClientSession Owner { get; }

    public long Sequence { get; private set; }

    public bool IsReady { get; private set; }

    /// <summary>Joins the fragments of a split or fanned-out command; null for a single backend reply.</summary>
    public ReplyJoin? Join { get; set; }

    /// <summary>Where the command's latency and errors are counted.</summary>
    public CommandCounters? Counters { get; set; }

    public long StartTimestamp { get; set; }

    public ReadOnlySpan<byte> Reply => _reply is null ? default : _reply.WrittenSpan;

    public void Reset(long sequence)
    {
        Sequence = sequence;
        IsReady = false;
        Join = null;
        Counters = null;
        _reply?.Clear();
    }

    /// <summary>Keeps a reply that arrived before the slots ahead of it were flushed.</summary>
    public void Keep(ReadOnlySpan<byte> reply)
    {
        (_reply ??= new RespWriter(256)).WriteRaw(reply);
        IsReady = true;
    }
}
