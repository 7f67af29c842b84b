using System.Text;
using Istore.Node.Replication;

namespace Istore.Tests.Replication;

/// <summary>What a replica may acknowledge as received before applying: whole records only, keepalives not counted.</summary>
public sealed class ReceivedRecordsTests
{
    private static readonly byte[] Set = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n");

    [Fact]
    public void A_record_counts_once_it_is_whole_and_a_keepalive_never()
    {
        var stream = new byte[] { (byte)'\n' }.Concat(Set).Concat(Set).ToArray();
        var received = new ReceivedRecords();
        int cut = 1 + Set.Length + 7;   // a keepalive, one record, and seven bytes of the next
        Assert.Equal(Set.Length, received.Scan(stream, 0, cut));
        Assert.Equal(Set.Length, received.Scan(stream, 0, cut));   // nothing new: the same answer
        Assert.Equal(2 * Set.Length, received.Scan(stream, 0, stream.Length));
    }

    [Fact]
    public void What_the_applier_consumed_leaves_the_count_from_the_new_start()
    {
        var stream = Set.Concat(new byte[] { (byte)'\n' }).Concat(Set).ToArray();
        var received = new ReceivedRecords();
        Assert.Equal(2 * Set.Length, received.Scan(stream, 0, stream.Length));
        // The applier took the first record and the keepalive behind it.
        received.Consumed(Set.Length + 1, Set.Length);
        Assert.Equal(Set.Length, received.Scan(stream, Set.Length + 1, stream.Length));
        // The buffer moved (compacted): positions count from the reader's start.
        var moved = stream[(Set.Length + 1)..];
        Assert.Equal(Set.Length, received.Scan(moved, 0, moved.Length));
    }

    [Fact]
    public void Records_a_transaction_holds_until_its_EXEC_stay_received()
    {
        var multi = Encoding.ASCII.GetBytes("*1\r\n$5\r\nMULTI\r\n");
        var stream = multi.Concat(Set).ToArray();
        var received = new ReceivedRecords();
        Assert.Equal(stream.Length, received.Scan(stream, 0, stream.Length));
        // The applier consumed both but keeps them for the EXEC: the applied offset did not move.
        received.Consumed(stream.Length, 0);
        Assert.Equal(stream.Length, received.Scan(stream, stream.Length, stream.Length));
    }

    [Fact]
    public void A_record_arriving_byte_by_byte_counts_when_its_last_byte_does()
    {
        var received = new ReceivedRecords();
        for (int end = 1; end < Set.Length; end++)
            Assert.Equal(0, received.Scan(Set, 0, end));
        Assert.Equal(Set.Length, received.Scan(Set, 0, Set.Length));
    }
}
