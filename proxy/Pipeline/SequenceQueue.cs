using Istore.Net.Resp;
using Istore.Proxy.Hosting;

namespace Istore.Proxy.Pipeline;

/// <summary>
/// A client connection's replies leave in request order, whatever order the shards answer in:
/// every request takes a slot at the tail; a reply marks its slot ready; the head is written out
/// while it is ready. A reply for the head goes straight to the output without being kept.
/// </summary>
internal sealed class SequenceQueue(ClientSession owner)
{
    private readonly Queue<RequestSlot> _slots = new();
    private readonly Stack<RequestSlot> _free = new();
    private long _nextSequence;

    /// <summary>Requests whose replies have not been written yet.</summary>
    public int Count => _slots.Count;

    public RequestSlot Enqueue()
    {
        var slot = _free.Count > 0 ? _free.Pop() : new RequestSlot(owner);
        slot.Reset(_nextSequence++);
        _slots.Enqueue(slot);
        return slot;
    }

    /// <summary>The reply of <paramref name="slot"/> arrived: write it (and every ready slot behind it) or keep it for later.</summary>
    public void Complete(RequestSlot slot, ReadOnlySpan<byte> reply, RespWriter output)
    {
        if (!_slots.TryPeek(out var head) || head != slot)
        {
            slot.Keep(reply);
            return;
        }
        output.WriteRaw(reply);
        Recycle(_slots.Dequeue());
        while (_slots.TryPeek(out head) && head.IsReady)
        {
            output.WriteRaw(head.Reply);
            Recycle(_slots.Dequeue());
        }
    }

    private void Recycle(RequestSlot slot)
    {
        slot.Reset(-1);
        if (_free.Count < 64)
            _free.Push(slot);
    }
}
