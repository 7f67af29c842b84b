using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>
/// PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST over <see cref="HyperLogLog"/> strings. Writes are
/// logged as the SET of the resulting value (with the key's TTL), except PFADD into a dense value,
/// logged as itself (and made in place where the engine can: <see cref="HyperLogLogRaise"/>). As in Redis, PFCOUNT of one key whose cached cardinality is stale
/// stores the fresh one in the header (a write, logged like the others; not on a replica, whose
/// data only the master's stream changes).
/// </summary>
public static class HyperLogLogCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("PFADD", PfAdd);
        t.Add("PFCOUNT", PfCount);
        t.Add("PFMERGE", PfMerge);
        t.Add("PFDEBUG", PfDebug);
        t.Add("PFSELFTEST", c =>
        {
            if (HyperLogLog.SelfTest(Random.Shared) is { } failure) c.Output.WriteError(failure);
            else c.Output.WriteOk();
        });
    }

    /// <summary>
    /// Reads the key at argument <paramref name="index"/>: true with <paramref name="exists"/>
    /// (its value in <c>Keyspace.Value</c>); false after WRONGTYPE for another type or a string
    /// that is not an HLL.
    /// </summary>
    private static bool TryRead(CommandContext c, int index, out bool exists)
    {
        var type = c.Keyspace.ReadLive(c.Arg(index));
        exists = type == KeyType.String;
        if (type == KeyType.None)
            return true;
        if (type != KeyType.String)
            c.Output.WriteError(Errors.WrongType);
        else if (!HyperLogLog.IsValid(c.Keyspace.Value.Span))
            c.Output.WriteError(HyperLogLog.InvalidValueError);
        else
            return true;
        return false;
    }

    /// <summary>PFADD key [element …]: 1 when the key was created or a register grew.</summary>
    private static void PfAdd(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var raises = HyperLogLogRaise.Of(c.Args, 2);
        if (ks.TryEditInPlace(c.Arg(1), raises, c.Args, out bool grew))
        {
            if (grew)
                c.Notify(PubSub.NotifyClass.String, "pfadd"u8, c.Arg(1));
            c.Output.WriteInteger(grew ? 1 : 0);
            return;
        }
        if (!TryRead(c, 1, out bool exists))
            return;
        long expireAt = exists ? ks.Value.ExpireAt : 0;
        var hll = exists ? HyperLogLog.Copy(ks.Value.Span) : HyperLogLog.CreateEmpty();
        bool wasDense = hll.IsDense;
        bool updated = !exists;
        foreach (int raise in raises.Raises)
        {
            int result = hll.Set(raise >> 8, (byte)raise);
            if (result < 0)
            {
                c.Output.WriteError(HyperLogLog.CorruptError);
                return;
            }
            updated |= result == 1;
        }
        if (updated)
        {
            hll.InvalidateCache();   // a new key counts as an update too, as in Redis
            // Adding to a dense HLL raises registers to a maximum whatever they held: logged as
            // itself (small). A sparse one's bytes depend on the order of adds: the whole value.
            if (wasDense)
                ks.SetLoggedAs(c.Arg(1), hll.Bytes, expireAt, c.Args);
            else
                ks.Set(c.Arg(1), hll.Bytes, expireAt);
            c.Notify(PubSub.NotifyClass.String, "pfadd"u8, c.Arg(1));
        }
        c.Output.WriteInteger(updated ? 1 : 0);
    }

    /// <summary>
    /// PFCOUNT key [key …]: one key answers from its header cache when fresh, read beside writers as
    /// GET reads; a stale cache takes the write lock to count and store the count. Several keys count
    /// their union under the lock.
    /// </summary>
    private static void PfCount(CommandContext c)
    {
        if (c.Count == 2)
        {
            if (AnsweredFromHeader(c))
                return;
            using var write = c.Keyspace.Lock();
            if (!AnsweredFromHeader(c))   // the header is read again: a writer may have come between
                CountAndCache(c);
            return;
        }
        using var read = c.Keyspace.Lock();
        Span<byte> max = stackalloc byte[HyperLogLog.Registers];
        max.Clear();
        if (TryMergeSources(c, 1, max, out _))
            c.Output.WriteInteger(HyperLogLog.CountRegisters(max));
    }

    /// <summary>
    /// Answers PFCOUNT of one key from its header alone: 0 when missing, an error for another type or
    /// a string that is not an HLL, or a fresh cached count. False when the count must be made.
    /// The header decides first: a fresh cached count answers without copying 12 KB of registers.
    /// </summary>
    private static bool AnsweredFromHeader(CommandContext c)
    {
        var ks = c.Keyspace;
        var type = ks.ReadLivePrefix(c.Arg(1), HyperLogLog.HeaderSize);
        if (type == KeyType.None)
            c.Output.WriteInteger(0);
        else if (type != KeyType.String)
            c.Output.WriteError(Errors.WrongType);
        else if (!HyperLogLog.IsValid(ks.Value.Span, ks.Value.FullLength))
            c.Output.WriteError(HyperLogLog.InvalidValueError);
        else if (HyperLogLog.TryCachedCount(ks.Value.Span, out long cached))
            c.Output.WriteInteger(cached);
        else
            return false;
        return true;
    }

    /// <summary>A valid HLL whose cached count is stale: counts its registers (read whole now; the write lock keeps the key as its header was) and stores the count back.</summary>
    private static void CountAndCache(CommandContext c)
    {
        var ks = c.Keyspace;
        ks.ReadLive(c.Arg(1));
        var value = ks.Value.Span;
        if (!HyperLogLog.TryCount(value, out long count))
        {
            c.Output.WriteError(HyperLogLog.CorruptError);
            return;
        }
        // A replica leaves its data to the master's stream (which carries the master's own write-back).
        if (!c.Node.Replication.IsReplica)
            ks.Set(c.Arg(1), HyperLogLog.WithCachedCount(value, count), ks.Value.ExpireAt);
        c.Output.WriteInteger(count);
    }

    /// <summary>PFMERGE destkey [sourcekey …]: the destination's own registers take part; it turns dense when any input is.</summary>
    private static void PfMerge(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        var max = new byte[HyperLogLog.Registers];
        if (!TryMergeSources(c, 1, max, out bool anyDense))
            return;
        var type = ks.ReadLive(c.Arg(1));
        var hll = type == KeyType.String ? HyperLogLog.Copy(ks.Value.Span) : HyperLogLog.CreateEmpty();
        long expireAt = type == KeyType.String ? ks.Value.ExpireAt : 0;
        if (hll.SetAll(max, anyDense) < 0)
        {
            c.Output.WriteError(HyperLogLog.CorruptError);
            return;
        }
        ks.Set(c.Arg(1), hll.Bytes, expireAt);
        c.Notify(PubSub.NotifyClass.String, "pfadd"u8, c.Arg(1));
        c.Output.WriteOk();
    }

    /// <summary>
    /// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: Redis's introspection. GETREG and TODENSE turn
    /// a sparse value dense, and that change is stored (and logged) as Redis propagates it.
    /// </summary>
    private static void PfDebug(CommandContext c)
    {
        var ks = c.Keyspace;
        using var write = ks.Lock();
        if (ks.ReadLive(c.Arg(2)) == KeyType.None)
        {
            c.Output.WriteError("ERR The specified key does not exist");
            return;
        }
        if (!TryRead(c, 2, out _))
            return;
        long expireAt = ks.Value.ExpireAt;
        var hll = HyperLogLog.Copy(ks.Value.Span);
        if (c.ArgIs(1, "ENCODING"u8))
        {
            c.Output.WriteSimpleString(hll.IsDense ? "dense"u8 : "sparse"u8);
        }
        else if (c.ArgIs(1, "DECODE"u8))
        {
            if (hll.IsDense) c.Output.WriteError("ERR HLL encoding is not sparse");
            else c.Output.WriteBulkString(HyperLogLog.DescribeSparse(hll.Bytes));
        }
        else if (c.ArgIs(1, "GETREG"u8) || c.ArgIs(1, "TODENSE"u8))
        {
            bool converted = !hll.IsDense;
            if (!hll.TryMakeDense())
            {
                c.Output.WriteError(HyperLogLog.CorruptError);
                return;
            }
            if (converted)
                ks.Set(c.Arg(2), hll.Bytes, expireAt);
            if (c.ArgIs(1, "TODENSE"u8))
            {
                c.Output.WriteInteger(converted ? 1 : 0);
                return;
            }
            c.Output.WriteArrayHeader(HyperLogLog.Registers);
            for (int i = 0; i < HyperLogLog.Registers; i++)
                c.Output.WriteInteger(hll.DenseRegister(i));
        }
        else
        {
            c.Output.WriteError($"ERR Unknown PFDEBUG subcommand '{c.ArgString(1)}'");
        }
    }

    /// <summary>Folds the HLLs at arguments <paramref name="first"/>.. into raw registers; false after an error reply.</summary>
    private static bool TryMergeSources(CommandContext c, int first, Span<byte> max, out bool anyDense)
    {
        anyDense = false;
        for (int i = first; i < c.Count; i++)
        {
            if (!TryRead(c, i, out bool exists))
                return false;
            if (!exists)
            {
                c.Notify(PubSub.NotifyClass.KeyMiss, "keymiss"u8, c.Arg(i));   // Redis reads the inputs with lookupKeyRead
                continue;
            }
            var value = c.Keyspace.Value.Span;
            anyDense |= value[4] == 0;
            if (!HyperLogLog.MergeInto(value, max))
            {
                c.Output.WriteError(HyperLogLog.CorruptError);
                return false;
            }
        }
        return true;
    }
}
