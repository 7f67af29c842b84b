using Istore.Node.Hosting;
using Istore.Node.Migration;
using Istore.Node.Replication;

namespace Istore.Node.Commands;

/// <summary>REPLICAOF/SLAVEOF, the replica's handshake (REPLCONF, PSYNC, the legacy SYNC), ROLE, WAIT, DEBUG DIGEST and HA's SHARDGUARD.</summary>
public static class ReplicationCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("REPLICAOF", ReplicaOf);
        t.Add("SLAVEOF", ReplicaOf);
        t.Add("REPLCONF", ReplConf);
        t.Add("PSYNC", Psync);
        t.Add("SYNC", Sync);
        t.Add("ROLE", Role);
        t.Add("WAIT", Wait);
        t.Add("DEBUG", Debug);
        t.Add("SHARDGUARD", ShardGuardCommand);
    }

    /// <summary>SHARDGUARD index shards | SHARDGUARD OFF | SHARDGUARD (the current guard: [index, shards], or nil).</summary>
    private static void ShardGuardCommand(CommandContext c)
    {
        if (c.Args.Count == 1)
        {
            if (c.Node.Guard is { } guard)
            {
                c.Output.WriteArrayHeader(2);
                c.Output.WriteInteger(guard.Index);
                c.Output.WriteInteger(guard.Shards);
            }
            else
                c.Output.WriteNullArray();
            return;
        }
        if (c.Args.Count == 2 && c.ArgIs(1, "OFF"u8))
        {
            c.Node.Guard = null;
            c.Output.WriteOk();
            return;
        }
        if (c.Args.Count != 3 || !int.TryParse(c.ArgString(1), out int index) || !int.TryParse(c.ArgString(2), out int shards)
            || shards < 1 || index < 0 || index > shards)
        {
            c.Output.WriteError("ERR SHARDGUARD takes 'index shards' (0 <= index <= shards; index = shards refuses every key) or OFF");
            return;
        }
        c.Node.Guard = new ShardGuard(index, shards);
        c.Output.WriteOk();
    }

    /// <summary>
    /// Inside EXEC the change waits until the transaction has released the keyspace lock: stopping a
    /// link joins its thread, which may be waiting for that lock to apply the master's stream.
    /// </summary>
    private static void ReplicaOf(CommandContext c)
    {
        var hub = c.Node.Replication;
        Action change;
        bool already = false;
        if (c.ArgIs(1, "NO"u8) && c.ArgIs(2, "ONE"u8))
            change = hub.BecomeMaster;
        else
        {
            if (!int.TryParse(c.ArgString(2), out int port) || port is < 0 or > 65535)
            {
                c.Output.WriteError("ERR Invalid master port");
                return;
            }
            string host = c.ArgString(1);
            already = hub.Link is { } link && link.Host == host && link.Port == port;
            change = () => hub.ReplicaOf(host, port);
        }
        if (c.Client.InTransaction)
            c.Client.AfterTransaction += change;
        else
            change();
        if (already)
            c.Output.WriteSimpleString("OK Already connected to specified master");
        else
            c.Output.WriteOk();
    }

    private static void ReplConf(CommandContext c)
    {
        if (c.Count % 2 == 0)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        string? sourceReplId = null, sourceReplId2 = null;
        for (int i = 1; i < c.Count; i += 2)
        {
            if (c.ArgIs(i, "SOURCE-REPLID"u8))
            {
                sourceReplId = c.ArgString(i + 1);
            }
            else if (c.ArgIs(i, "SOURCE-REPLID2"u8))
            {
                sourceReplId2 = c.ArgString(i + 1);
            }
            else if (c.ArgIs(i, "LISTENING-PORT"u8))
            {
                if (!int.TryParse(c.ArgString(i + 1), out int port) || port is < 0 or > 65535)
                {
                    c.Output.WriteError("ERR Invalid listening-port");
                    return;
                }
                c.Client.ReplicaListeningPort = port;
            }
            else if (c.ArgIs(i, "ACK"u8) || c.ArgIs(i, "GETACK"u8))
            {
                return;   // only meaningful on a replication link; Redis does not answer them
            }
            else if (c.ArgIs(i, "CAPA"u8))
            {
                c.Client.ReplicaCapabilities.Add(c.ArgString(i + 1));
            }
            else if (!c.ArgIs(i, "IP-ADDRESS"u8))
            {
                c.Output.WriteError($"ERR Unrecognized REPLCONF option: {c.ArgString(i)}");
                return;
            }
        }
        if (sourceReplId is not null)
        {
            c.Node.SupersededSources.TakenOver(sourceReplId2 ?? ReplicationIds.NoId);
            c.Client.MigrationSource = sourceReplId;
            if (c.Node.SupersededSources.Superseded(sourceReplId))
            {
                c.Output.WriteError(SupersededSources.Error);
                return;
            }
        }
        c.Output.WriteOk();
    }

    private static void Psync(CommandContext c)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(2), out long offset))
        {
            c.Output.WriteError(Errors.NotInteger);
            return;
        }
        string replid = c.ArgString(1);
        if (replid != "?" && replid.Length != 40)
        {
            c.Output.WriteError("ERR PSYNC needs a 40-character replication id or ?");
            return;
        }
        if (c.Node.Replication.Psync(c.Connection, replid, offset, c.Client.ReplicaListeningPort, c.Client.ReplicaCapabilities) is { } error)
            c.Output.WriteError(error);
    }

    private static void Sync(CommandContext c)
    {
        if (c.Node.Replication.Sync(c.Connection, c.Client.ReplicaListeningPort) is { } error)
            c.Output.WriteError(error);
    }

    private static void Role(CommandContext c)
    {
        var hub = c.Node.Replication;
        var output = c.Output;
        if (hub.Link is { } link)
        {
            output.WriteArrayHeader(5);
            output.WriteBulkString("slave");
            output.WriteBulkString(link.Host);
            output.WriteInteger(link.Port);
            output.WriteBulkString(link.State);
            output.WriteInteger(link.Up ? hub.Offset : -1);
            return;
        }
        var replicas = hub.Replicas;
        output.WriteArrayHeader(3);
        output.WriteBulkString("master");
        output.WriteInteger(hub.Offset);
        output.WriteArrayHeader(replicas.Count);
        foreach (var replica in replicas)
        {
            output.WriteArrayHeader(3);
            output.WriteBulkString(replica.Address.Split(':')[0]);
            output.WriteBulkString(replica.ListeningPort);
            output.WriteBulkString(replica.AckOffset);
        }
    }

    /// <summary>WAIT numreplicas timeout: suspends the client until that many replicas acknowledged everything written so far, or the timeout.</summary>
    private static void Wait(CommandContext c)
    {
        var hub = c.Node.Replication;
        if (hub.IsReplica)
        {
            c.Output.WriteError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
            return;
        }
        if (!c.TryInt64(1, out long needed) || !c.TryInt64(2, out long timeout))
            return;
        if (timeout < 0)
        {
            c.Output.WriteError("ERR timeout is negative");
            return;
        }
        long offset = hub.Offset;
        int acked = hub.AckedAtLeast(offset);
        if (acked >= needed || c.Client.InTransaction)
        {
            c.Output.WriteInteger(acked);
            return;
        }
        var connection = c.Connection;
        connection.Suspend();
        hub.Waiters.Add(offset, (int)Math.Min(needed, int.MaxValue), timeout, count => connection.Resume(r => r.Output.WriteInteger(count)));
    }

    private static void Debug(CommandContext c)
    {
        if (c.ArgIs(1, "DIGEST"u8) && c.Count == 2)
        {
            var db = c.Node.Database;
            using (db.Lock.Hold())
            {
                using var session = db.Engine.CreateSession();
                c.Output.WriteBulkString(DatasetDigest.Compute(session));
            }
            return;
        }
        if (c.ArgIs(1, "DIGEST-VALUE"u8))
        {
            var db = c.Node.Database;
            using (db.Lock.Hold())
            {
                using var session = db.Engine.CreateSession();
                c.Output.WriteArrayHeader(c.Count - 2);
                for (int i = 2; i < c.Count; i++)
                    c.Output.WriteSimpleString(DatasetDigest.OfKey(session, c.Arg(i)));
            }
            return;
        }
        if (c.ArgIs(1, "FAIL-AFTER-WRITE"u8) && c.Count == 3)
        {
            FailAfterWrite(c);
            return;
        }
        DebugCommand.Execute(c);
    }

    /// <summary>
    /// DEBUG FAIL-AFTER-WRITE key: HSET key field value, then fail inside the same write scope, as
    /// a handler bug would. What a failed command leaves behind is tested with it: on the disk
    /// engine nothing (its batch and its log records are dropped), in memory the write with its record.
    /// </summary>
    private static void FailAfterWrite(CommandContext c)
    {
        if (c.Node.Replication.IsReplica)
        {
            c.Output.WriteError("READONLY You can't write against a read only replica.");
            return;
        }
        var args = new Istore.Net.Resp.CommandArgs();
        args.SetFrom("HSET"u8.ToArray(), c.Args.ToArray(2), "field"u8.ToArray(), "value"u8.ToArray());
        using (c.Keyspace.Atomic())
        {
            c.Args = args;
            c.Spec = Istore.Net.Commands.CommandTable.Find("HSET")!;
            c.Node.Handlers[c.Spec](c);
            throw new InvalidOperationException("DEBUG FAIL-AFTER-WRITE failed the command after its write, as asked");
        }
    }
}
