using System.Text;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Dump;
using Istore.Node.Keyspace;
using Istore.Node.Migration;

namespace Istore.Node.Commands;

/// <summary>
/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
/// [AUTH2 username password] [KEYS key …], Redis's semantics: the keys are serialized, sent as
/// pipelined RESTOREs on a cached connection, and each is deleted here (logged and replicated as
/// DEL) only once the target acknowledged it, unless COPY. Atomic per key through
/// <see cref="MigrationGate"/>: the event loop is not blocked during the round trip, writes to
/// the keys in flight wait for it, writes to other keys do not. Inside EXEC (which holds the
/// write lock) it runs synchronously, as Redis always does.
/// </summary>
public static class MigrateCommand
{
    private const string KeysNeedEmptyKey = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";

    public static void Execute(CommandContext c)
    {
        if (!TryParse(c, out var target, out var keys, out bool copy, out bool replace))
            return;
        var ks = c.Keyspace;
        var gate = c.Node.Migrations;
        if (c.Client.InTransaction)
        {
            RunInsideExec(c, target, keys, copy, replace);
            return;
        }
        using (ks.Database.Lock.Hold())
        {
            keys.RemoveAll(key => !ks.Exists(key));
            if (keys.Count == 0)
            {
                c.Output.WriteRaw("+NOKEY\r\n"u8);
                return;
            }
            if (!gate.TryMark(keys))
            {
                gate.Hold(c.Connection);   // another MIGRATE has one of these keys in flight
                return;
            }
        }
        gate.WaitForRunningWrites();
        var restores = new RespWriter(4096);
        var sent = new List<byte[]>(keys.Count);
        using (ks.Lock())
            WriteRestores(ks, keys, replace, restores, sent);
        var connection = c.Connection;
        var loop = connection.EventLoop!;
        var targets = c.Node.MigrateTargets;
        var node = c.Node;
        _ = Task.Run(async () =>
        {
            var outcome = await RoundTripAsync(targets, target, restores, sent.Count);
            loop.Post(() => Finish(node, ks, keys, sent, outcome, copy, connection));
        });
        connection.Suspend();
    }

    /// <summary>The round trip, never throwing: the keys must be released whatever happens.</summary>
    private static async Task<MigrateOutcome> RoundTripAsync(MigrateTargets targets, MigrateTarget target, RespWriter restores, int count)
    {
        if (count == 0)
            return new MigrateOutcome([], null);
        try
        {
            return await MigrateRoundTrip.RunAsync(targets, target, restores, count);
        }
        catch (Exception)
        {
            return new MigrateOutcome(new bool[count], MigrateRoundTrip.ReadError);
        }
    }

    /// <summary>
    /// On the loop again: delete what the target acknowledged, release the keys (held writes run),
    /// reply — under --sync-replicas only once enough replicas have the deletions, as for any write.
    /// </summary>
    private static void Finish(Hosting.NodeServer node, KeyspaceSession ks, List<byte[]> keys, List<byte[]> sent, MigrateOutcome outcome, bool copy, Connection connection)
    {
        string? failure = null;
        var log = node.Database.Log;
        long before = log.StreamOffset;
        using (ks.Atomic())
        {
            try
            {
                DeleteAcknowledged(ks, sent, outcome, copy);
            }
            catch (Exception ex)
            {
                failure = "ERR internal error: " + ex.Message;
            }
            finally
            {
                node.Migrations.Release(keys);
            }
        }
        var hub = node.Replication;
        int needed = hub.Settings.SyncReplicas;
        if (needed == 0 || log.StreamOffset == before)
        {
            connection.Resume(conn => Reply(conn.Output, outcome, failure));
            return;
        }
        log.Flush(fsync: false);   // the DELs go to the replicas now, not at this loop's next reply
        var loop = connection.EventLoop!;
        hub.SyncWaiters.Add(log.StreamOffset, needed, hub.Settings.SyncReplicasTimeoutMs, acknowledged => loop.Post(() =>
            connection.Resume(conn => Reply(conn.Output, outcome, failure ?? (acknowledged >= needed ? null : NotReplicated)))));
    }

    private const string NotReplicated = "NOREPLICAS not enough replicas acknowledged the write";

    private static void Reply(RespWriter output, MigrateOutcome outcome, string? failure)
    {
        if (failure is not null)
            output.WriteError(failure);
        else
            WriteReply(output, outcome);
    }

    /// <summary>EXEC holds the write lock: nothing can interleave, so the round trip simply runs under it.</summary>
    private static void RunInsideExec(CommandContext c, MigrateTarget target, List<byte[]> keys, bool copy, bool replace)
    {
        var ks = c.Keyspace;
        using var write = ks.Atomic();
        keys.RemoveAll(key => !ks.Exists(key));
        if (keys.Count == 0)
        {
            c.Output.WriteRaw("+NOKEY\r\n"u8);
            return;
        }
        var restores = new RespWriter(4096);
        var sent = new List<byte[]>(keys.Count);
        WriteRestores(ks, keys, replace, restores, sent);
        var outcome = sent.Count == 0 ? new MigrateOutcome([], null)
            : MigrateRoundTrip.RunAsync(c.Node.MigrateTargets, target, restores, sent.Count).GetAwaiter().GetResult();
        DeleteAcknowledged(ks, sent, outcome, copy);
        WriteReply(c.Output, outcome);
    }

    /// <summary>One RESTORE per live key, with its remaining TTL; a key that expired since the lookup is left out, as Redis does.</summary>
    private static void WriteRestores(KeyspaceSession ks, List<byte[]> keys, bool replace, RespWriter into, List<byte[]> sent)
    {
        var payload = DumpRestoreCommands.Writer;
        long now = Database.NowMs;
        foreach (var key in keys)
        {
            if (!DumpRestoreCommands.TrySerialize(ks, key, payload, out long expireAt))
                continue;
            long ttl = expireAt == 0 ? 0 : Math.Max(1, expireAt - now);
            into.WriteArrayHeader(replace ? 5 : 4);
            into.WriteBulkString("RESTORE"u8);
            into.WriteBulkString(key);
            into.WriteBulkString(ttl);
            into.WriteBulkString(payload.Written);
            if (replace)
                into.WriteBulkString("REPLACE"u8);
            sent.Add(key);
        }
    }

    private static void DeleteAcknowledged(KeyspaceSession ks, List<byte[]> sent, MigrateOutcome outcome, bool copy)
    {
        if (copy)
            return;
        for (int i = 0; i < sent.Count; i++)
            if (outcome.Acknowledged[i] && ks.Delete(sent[i]))
                ks.Notify(PubSub.NotifyClass.Generic, "del"u8, sent[i]);
    }

    private static void WriteReply(RespWriter output, MigrateOutcome outcome)
    {
        if (outcome.Error is null)
            output.WriteOk();
        else
            output.WriteError(outcome.Error);
    }

    private static bool TryParse(CommandContext c, out MigrateTarget target, out List<byte[]> keys, out bool copy, out bool replace)
    {
        target = null!;
        keys = [];
        copy = replace = false;
        byte[]? username = null, password = null;
        int firstKey = 3, keyCount = 1;
        for (int i = 6; i < c.Count; i++)
        {
            int more = c.Count - 1 - i;
            if (c.ArgIs(i, "COPY"u8))
            {
                copy = true;
            }
            else if (c.ArgIs(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (c.ArgIs(i, "AUTH"u8) && more >= 1)
            {
                password = c.Args.ToArray(++i);
            }
            else if (c.ArgIs(i, "AUTH2"u8) && more >= 2)
            {
                username = c.Args.ToArray(++i);
                password = c.Args.ToArray(++i);
            }
            else if (c.ArgIs(i, "KEYS"u8))
            {
                if (c.Arg(3).Length != 0)
                {
                    c.Output.WriteError(KeysNeedEmptyKey);
                    return false;
                }
                firstKey = i + 1;
                keyCount = c.Count - i - 1;
                break;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        if (!c.TryInt64(5, out long timeout) || !c.TryInt64(4, out long db))
            return false;
        if (timeout <= 0)
            timeout = 1000;
        // Redis reads the port with atoi: a bad one fails to connect (IOERR), it is not a syntax error.
        int port = int.TryParse(c.Arg(2), out int parsed) && parsed is > 0 and <= 65535 ? parsed : 0;
        var hub = c.Node.Replication;
        target = new MigrateTarget(Encoding.UTF8.GetString(c.Arg(1)), port, db, (int)Math.Min(timeout, int.MaxValue), username, password, hub.ReplId, hub.ReplId2);
        keys = new List<byte[]>(keyCount);
        for (int i = firstKey; i < firstKey + keyCount; i++)
            keys.Add(c.Args.ToArray(i));
        return true;
    }
}
