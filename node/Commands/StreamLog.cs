using Istore.Node.Keyspace;
using Istore.Node.Objects.Streams;

namespace Istore.Node.Commands;

/// <summary>
/// The deterministic records consumer-group reads and claims leave in the log, as Redis propagates
/// them: each delivery as XCLAIM … FORCE JUSTID with its delivery time and count, the group's
/// position as XGROUP SETID … ENTRIESREAD, a consumer made on the way as XGROUP CREATECONSUMER,
/// a pending entry dropped because its entry is gone as XACK.
/// </summary>
public static class StreamLog
{
    public static void Claim(KeyspaceSession session, ReadOnlySpan<byte> key, StreamGroup group, PendingEntry entry)
    {
        using var log = session.BeginRecord(12);
        log.Arg("XCLAIM"u8);
        log.Arg(key);
        log.Arg(group.Name);
        log.Arg(entry.Consumer.Name);
        log.Arg("0"u8);
        Id(log, entry.Id);
        log.Arg("TIME"u8);
        log.Arg(entry.DeliveryTime);
        log.Arg("RETRYCOUNT"u8);
        log.Arg(entry.DeliveryCount);
        log.Arg("FORCE"u8);
        log.Arg("JUSTID"u8);
    }

    public static void GroupPosition(KeyspaceSession session, ReadOnlySpan<byte> key, StreamGroup group)
    {
        using var log = session.BeginRecord(7);
        log.Arg("XGROUP"u8);
        log.Arg("SETID"u8);
        log.Arg(key);
        log.Arg(group.Name);
        Id(log, group.LastDelivered);
        log.Arg("ENTRIESREAD"u8);
        log.Arg(group.EntriesRead);
    }

    public static void ConsumerCreated(KeyspaceSession session, ReadOnlySpan<byte> key, StreamGroup group, StreamConsumer consumer)
    {
        session.Notify(PubSub.NotifyClass.Stream, "xgroup-createconsumer"u8, key);
        using var log = session.BeginRecord(5);
        log.Arg("XGROUP"u8);
        log.Arg("CREATECONSUMER"u8);
        log.Arg(key);
        log.Arg(group.Name);
        log.Arg(consumer.Name);
    }

    public static void Acknowledged(KeyspaceSession session, ReadOnlySpan<byte> key, StreamGroup group, StreamId id)
    {
        using var log = session.BeginRecord(4);
        log.Arg("XACK"u8);
        log.Arg(key);
        log.Arg(group.Name);
        Id(log, id);
    }

    private static void Id(KeyspaceSession.RecordScope log, StreamId id)
    {
        Span<byte> text = stackalloc byte[StreamId.MaxFormattedLength];
        log.Arg(text[..id.Format(text)]);
    }
}
