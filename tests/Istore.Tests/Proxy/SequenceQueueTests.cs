using System.Text;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Proxy.Hosting;
using Istore.Proxy.Pipeline;

namespace Istore.Tests.Proxy;

/// <summary>The reply-order queue on its own: replies arrive in any order and leave in request order.</summary>
public class SequenceQueueTests
{
    private readonly ClientSession _session = new(Connection.CreateDetached(), null!);

    [Fact]
    public void Replies_leave_in_request_order_whatever_order_they_arrive_in()
    {
        var queue = _session.Queue;
        var output = new RespWriter();
        var slots = Enumerable.Range(0, 5).Select(_ => queue.Enqueue()).ToArray();
        Assert.Equal([0L, 1, 2, 3, 4], slots.Select(s => s.Sequence));
        queue.Complete(slots[2], "+two\r\n"u8, output);
        queue.Complete(slots[1], "+one\r\n"u8, output);
        Assert.Equal(0, output.Length);   // the head is not ready yet
        queue.Complete(slots[0], "+zero\r\n"u8, output);
        Assert.Equal("+zero\r\n+one\r\n+two\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
        queue.Complete(slots[4], "+four\r\n"u8, output);
        Assert.Equal(2, queue.Count);
        queue.Complete(slots[3], "+three\r\n"u8, output);
        Assert.Equal("+zero\r\n+one\r\n+two\r\n+three\r\n+four\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Slots_are_reused_with_new_sequence_numbers_and_no_stale_reply()
    {
        var queue = _session.Queue;
        var output = new RespWriter();
        var first = queue.Enqueue();
        var second = queue.Enqueue();
        queue.Complete(second, "+late\r\n"u8, output);
        queue.Complete(first, "+early\r\n"u8, output);
        var reused = queue.Enqueue();
        Assert.Equal(2, reused.Sequence);
        Assert.False(reused.IsReady);
        Assert.True(reused.Reply.IsEmpty);
    }

    [Fact]
    public void Random_completion_orders_always_flush_in_order()
    {
        var random = new Random(42);
        for (int run = 0; run < 200; run++)
        {
            var session = new ClientSession(Connection.CreateDetached(), null!);
            var output = new RespWriter();
            int n = random.Next(1, 40);
            var slots = Enumerable.Range(0, n).Select(_ => session.Queue.Enqueue()).ToArray();
            foreach (int i in Enumerable.Range(0, n).OrderBy(_ => random.Next()))
                session.Queue.Complete(slots[i], Encoding.ASCII.GetBytes($":{i}\r\n"), output);
            Assert.Equal(string.Concat(Enumerable.Range(0, n).Select(i => $":{i}\r\n")), Encoding.ASCII.GetString(output.WrittenSpan));
        }
    }

    [Fact]
    public void Kept_replies_of_every_size_leave_intact_as_slots_are_reused()
    {
        // Small replies are kept inside the slot, bigger ones in a buffer of their own; a reused
        // slot may go from one to the other, so one session serves every run.
        var random = new Random(5);
        var output = new RespWriter();
        int[] sizes = [0, 1, 78, 79, 80, 81, 82, 300, 5000];
        for (int run = 0; run < 300; run++)
        {
            int n = random.Next(1, 20);
            var slots = Enumerable.Range(0, n).Select(_ => _session.Queue.Enqueue()).ToArray();
            var replies = slots.Select((_, i) => Bulk(i, sizes[random.Next(sizes.Length)])).ToArray();
            foreach (int i in Enumerable.Range(0, n).OrderBy(_ => random.Next()))
                _session.Queue.Complete(slots[i], Encoding.ASCII.GetBytes(replies[i]), output);
            Assert.Equal(string.Concat(replies), Encoding.ASCII.GetString(output.WrittenSpan));
            output.Clear();
        }
    }

    /// <summary>A bulk reply of about <paramref name="size"/> bytes on the wire, its bytes telling <paramref name="i"/> apart.</summary>
    private static string Bulk(int i, int size)
    {
        var value = string.Concat(Enumerable.Repeat($"{i}.", size / 2 + 1))[..Math.Max(0, size - 8)];
        return $"${value.Length}\r\n{value}\r\n";
    }
}
