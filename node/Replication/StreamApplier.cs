using Istore.Net.Resp;
using Istore.Node.Engine;
using Istore.Node.Hosting;
using Istore.Node.Keyspace;

namespace Istore.Node.Replication;

/// <summary>
/// A replica's side of the stream: parses its master's records and runs each through the
/// command handlers on a replaying session (the same code as a client's command, without
/// logging or expiry of its own), then appends the record's bytes, unchanged, to this node's log
/// inside the same write-lock scope, so the log, the backlog and the offset are the master's. What
/// one read brought is applied in one scope, a MULTI … EXEC group only once its EXEC is there. A
/// bare <c>\n</c> between records is the master's keepalive: not part of the stream.
/// </summary>
internal sealed class StreamApplier : IDisposable
{
    private static readonly RespLimits StreamLimits = RespLimits.Default with { MaxQueryBuffer = long.MaxValue };

    private readonly Database _db;
    private readonly KeyspaceSession _keyspace;
    private readonly LogCommandReplayer _commands;
    private readonly CommandArgs _args = new();
    private readonly PartialRequest _partial = new();
    private List<byte[][]>? _group;
    private readonly MemoryStream _groupBytes = new();

    public StreamApplier(NodeServer node)
    {
        _db = node.Database;
        _keyspace = new KeyspaceSession(node.Database, replaying: true);
        _keyspace.CountKeysOnlyBetweenBatches();
        _commands = new LogCommandReplayer(node, node.Handlers, _keyspace);
    }

    /// <summary>
    /// Applies every complete record in <paramref name="buffer"/>[start, end) in one write-lock scope
    /// and returns the bytes consumed (a partial record stays for the next call). On the disk engine
    /// the scope is atomic: all its records' writes go to RocksDB as one WriteBatch (one WAL write,
    /// carrying the offset after them), so a replica keeps up with a master that batches a whole
    /// pipeline the same way; if that batch fails (a full disk), the records are taken back from the
    /// log too, and the offset stays where the data is.
    /// </summary>
    public int Apply(byte[] buffer, int start, int end)
    {
        if (_db.Engine is not ISelfDurableEngine)
        {
            using var scope = _keyspace.Lock();
            return ApplyRecords(buffer, start, end);
        }
        using (_db.Lock.Hold())
        {
            _db.Log.BeginCommand();
            bool kept = false;
            try
            {
                int consumed;
                using (var scope = _keyspace.Atomic())
                {
                    try
                    {
                        consumed = ApplyRecords(buffer, start, end);
                    }
                    catch when (_keyspace.NoteFailure())
                    {
                        throw;   // never reached: the filter marks the scope failed, so its batch is discarded
                    }
                }
                kept = true;
                return consumed;
            }
            finally
            {
                _db.Log.EndCommand(kept);
            }
        }
    }

    /// <summary>How many keepalive bytes (<c>\n</c>) <paramref name="buffer"/>[start, end) begins with.</summary>
    public static int Keepalives(byte[] buffer, int start, int end)
    {
        int position = start;
        while (position < end && buffer[position] == (byte)'\n')
            position++;
        return position - start;
    }

    private int ApplyRecords(byte[] buffer, int start, int end)
    {
        int position = start;
        while (position < end)
        {
            if (buffer[position] == (byte)'\n')
            {
                position++;
                continue;
            }
            if (buffer[position] != (byte)'*')
                throw new InvalidDataException($"the master sent a byte 0x{buffer[position]:x2} where a record should start");
            var result = RespRequestParser.TryParse(buffer, position, end, _args, StreamLimits, out int consumed, out string? error, _partial);
            if (result == ParseResult.Incomplete)
                break;
            if (result == ParseResult.ProtocolError)
                throw new InvalidDataException("the master sent a bad record: " + error);
            var record = buffer.AsSpan(position, consumed);
            position += consumed;
            if (_args.Count == 0)
                throw new InvalidDataException("the master sent an empty record");
            Apply(record);
        }
        return position - start;
    }

    /// <summary>One record: run it and log its bytes; a transaction's records are kept until its EXEC, then run and logged together.</summary>
    private void Apply(ReadOnlySpan<byte> record)
    {
        if (_args[0].SequenceEqual("MULTI"u8))
        {
            _group = [];
            _groupBytes.SetLength(0);
            _groupBytes.Write(record);
            return;
        }
        if (_group is not null)
        {
            _groupBytes.Write(record);
            if (!_args[0].SequenceEqual("EXEC"u8))
            {
                _group.Add(Enumerable.Range(0, _args.Count).Select(_args.ToArray).ToArray());
                return;
            }
            foreach (var queued in _group)
            {
                _args.SetFrom(queued);
                _commands.Execute(_args);
            }
            _db.Log.AppendRaw(_groupBytes.GetBuffer().AsSpan(0, (int)_groupBytes.Length));
            _group = null;
            return;
        }
        _commands.Execute(_args);
        _db.Log.AppendRaw(record);
    }

    public void Dispose() => _keyspace.Dispose();
}
