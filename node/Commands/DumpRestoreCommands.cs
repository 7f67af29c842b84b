using Istore.Node.Dump;
using Istore.Node.Engine;
using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>DUMP and RESTORE in Redis 7.0's serialization format (see <see cref="DumpPayload"/>); MIGRATE is in <see cref="MigrateCommand"/>.</summary>
public static class DumpRestoreCommands
{
    public const string BadPayload = "ERR DUMP payload version or checksum are wrong";
    public const string BadFormat = "ERR Bad data format";
    public const string BusyKey = "BUSYKEY Target key name already exists.";

    [ThreadStatic]
    private static RdbWriter? t_writer;

    /// <summary>This thread's payload buffer, reused by every DUMP and MIGRATE it runs.</summary>
    internal static RdbWriter Writer => t_writer ??= new RdbWriter();

    public static void Register(HandlerTable t)
    {
        t.Add("DUMP", DumpKey);
        t.Add("RESTORE", Restore);
        t.Add("MIGRATE", MigrateCommand.Execute);
    }

    private static void DumpKey(CommandContext c)
    {
        var writer = Writer;
        using (c.Keyspace.Lock())
        {
            if (!TrySerialize(c.Keyspace, c.Arg(1), writer, out _))
            {
                c.Output.WriteNull();
                return;
            }
        }
        c.Output.WriteBulkString(writer.Written);
    }

    /// <summary>
    /// Serializes the live value at <paramref name="key"/> into <paramref name="writer"/>, with its
    /// expiry (Unix ms, 0 = none); false when the key is missing. The caller holds the write lock
    /// (collections change in place under it).
    /// </summary>
    internal static bool TrySerialize(KeyspaceSession ks, ReadOnlySpan<byte> key, RdbWriter writer, out long expireAt)
    {
        var type = ks.ReadObject(key, out var collection);
        expireAt = 0;
        if (type == KeyType.None)
            return false;
        if (collection is not null)
        {
            expireAt = ks.ExpiryOf(key);
            DumpPayload.WriteObject(writer, collection);
            return true;
        }
        if (ks.ReadLive(key) != KeyType.String)
            return false;
        expireAt = ks.Value.ExpireAt;
        DumpPayload.WriteString(writer, ks.Value.Span);
        return true;
    }

    /// <summary>RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]</summary>
    private static void Restore(CommandContext c)
    {
        if (c.Client.MigrationSource is { } source && c.Node.SupersededSources.Superseded(source))
        {
            c.Output.WriteError(Migration.SupersededSources.Error);
            return;
        }
        bool replace = false, absoluteTtl = false, idleGiven = false, freqGiven = false;
        long idle = 0, freq = AccessTable.InitialFrequency;
        for (int i = 4; i < c.Count; i++)
        {
            bool more = i + 1 < c.Count;
            if (c.ArgIs(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (c.ArgIs(i, "ABSTTL"u8))
            {
                absoluteTtl = true;
            }
            else if (c.ArgIs(i, "IDLETIME"u8) && more && !freqGiven)
            {
                if (!c.TryInt64(++i, out idle))
                    return;
                if (idle < 0)
                {
                    c.Output.WriteError("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                idleGiven = true;
            }
            else if (c.ArgIs(i, "FREQ"u8) && more && !idleGiven)
            {
                if (!c.TryInt64(++i, out freq))
                    return;
                if (freq is < 0 or > 255)
                {
                    c.Output.WriteError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                freqGiven = true;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        var ks = c.Keyspace;
        var key = c.Arg(1);
        using var write = ks.Atomic();
        bool existed = ks.Exists(key);
        if (existed && !replace)
        {
            c.Output.WriteError(BusyKey);
            return;
        }
        if (!c.TryInt64(2, out long ttl))
            return;
        if (ttl < 0)
        {
            c.Output.WriteError("ERR Invalid TTL value, must be >= 0");
            return;
        }
        var payload = c.Arg(3);
        if (!DumpPayload.IsIntact(payload))
        {
            c.Output.WriteError(BadPayload);
            return;
        }
        if (!TryDecode(payload, out var value))
        {
            c.Output.WriteError(BadFormat);
            return;
        }
        long expireAt = ttl == 0 ? 0 : absoluteTtl ? ttl : Database.NowMs + ttl;
        if (expireAt != 0 && expireAt <= Database.NowMs && !ks.Replaying)
        {
            // Already expired: Redis stores nothing, and a replaced key is simply deleted.
            if (existed && ks.Delete(key))
                c.Notify(PubSub.NotifyClass.Generic, "del"u8, key);
            c.Output.WriteOk();
            return;
        }
        Store(ks, key, value, expireAt, payload);
        // Unlike Redis, both are kept whatever the policy (the table keeps both).
        if (idleGiven || freqGiven)
            ks.Database.Access.Set(key, idle, (int)freq);
        c.Notify(PubSub.NotifyClass.Generic, "restore"u8, key);
        c.Output.WriteOk();
    }

    /// <summary>Decodes a payload that passed its checksum; false for any value that does not decode.</summary>
    internal static bool TryDecode(ReadOnlySpan<byte> payload, out RestoredValue value)
    {
        try
        {
            value = DumpPayload.Read(payload);
            return true;
        }
        catch (Exception ex) when (ex is not EngineLimitException)
        {
            // Corrupt inner data may surface as any exception of the object readers: all of it is Redis's "Bad data format".
            value = default;
            return false;
        }
    }

    /// <summary>
    /// Stores a restored value (the caller holds an atomic write scope). A string is logged as its
    /// SET; a collection as a RESTORE with its absolute expiry and REPLACE, which replays the same.
    /// </summary>
    internal static void Store(KeyspaceSession ks, ReadOnlySpan<byte> key, RestoredValue value, long expireAt, ReadOnlySpan<byte> payload)
    {
        if (value.String is { } text)
        {
            if (ks.TypeOf(key, out _) is not (KeyType.None or KeyType.String))
                ks.Delete(key);
            ks.Set(key, text, expireAt);
            return;
        }
        ks.StoreObject(key, value.Object!, expireAt);
        using var log = ks.BeginRecord(6);
        log.Arg("RESTORE"u8);
        log.Arg(key);
        log.Arg(expireAt);
        log.Arg(payload);
        log.Arg("REPLACE"u8);
        log.Arg("ABSTTL"u8);
    }
}
