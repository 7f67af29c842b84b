using Istore.Net.Resp;
using Istore.Node.Commands;
using Istore.Node.Engine;

namespace Istore.Node.Persistence;

/// <summary>
/// Applies one log record to the engine at start-up. The absolute effects the keyspace writes
/// (SET [PXAT], DEL, PEXPIREAT, PERSIST, FLUSHALL) are applied here; any other record is a
/// collection command, re-run by <paramref name="runCommand"/> (which refuses what is not a known
/// write command: a foreign or damaged log stops the replay of that segment).
/// </summary>
internal sealed class RecordApplier(IEngineSession engine, Action<CommandArgs> runCommand)
{
    public void Apply(CommandArgs record)
    {
        var name = record[0];
        if (name.SequenceEqual("SET"u8) && (record.Count == 3 || record.Count == 5))
        {
            long expireAt = record.Count == 5 ? ParseTime(record[4]) : 0;
            if (expireAt != 0 && expireAt <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                engine.Delete(record[1]);   // expired while the node was down
            else
                engine.Write(record[1], record[2], expireAt);
        }
        else if (name.SequenceEqual("DEL"u8) && record.Count >= 2)
        {
            for (int i = 1; i < record.Count; i++)
                engine.Delete(record[i]);
        }
        else if ((name.SequenceEqual("PEXPIREAT"u8) && record.Count == 3) || (name.SequenceEqual("PERSIST"u8) && record.Count == 2))
        {
            engine.SetExpiry(record[1], record.Count == 3 ? ParseTime(record[2]) : 0);
        }
        else if (name.SequenceEqual("FLUSHALL"u8) && record.Count == 1)
        {
            engine.DeleteAll();
        }
        else if (PubSubCommands.IsPublish(name))
        {
            // a message is for the subscribers connected when it was sent: a restart does not send it again
        }
        else
        {
            runCommand(record);
        }
    }

    private static long ParseTime(ReadOnlySpan<byte> text) =>
        RedisNumber.TryParseInt64(text, out long value) ? value : throw new InvalidDataException("bad time in record");
}
