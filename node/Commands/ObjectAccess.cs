using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>How collection handlers reach their key: typed lookup with Redis's WRONGTYPE, and creation on first write.</summary>
public static class ObjectAccess
{
    /// <summary>
    /// The <typeparamref name="T"/> at argument <paramref name="index"/>: true with the object, or
    /// null when the key is missing; false after replying WRONGTYPE. The caller holds the keyspace lock (Lock(), or Read() to only read).
    /// </summary>
    public static bool TryRead<T>(this CommandContext c, int index, out T? value) where T : StoredObject
    {
        var type = c.Keyspace.ReadObject(c.Arg(index), out var stored);
        value = stored as T;
        if (type == KeyType.None || value is not null)
            return true;
        c.Output.WriteError(Errors.WrongType);
        return false;
    }

    /// <summary>
    /// The <typeparamref name="T"/> at argument <paramref name="index"/>, created (and stored) when
    /// missing; false after replying WRONGTYPE. A handler that leaves it empty calls
    /// <see cref="Keyspace.KeyspaceSession.ObjectChanged"/>, which removes the key again.
    /// </summary>
    public static bool TryOpen<T>(this CommandContext c, int index, Func<T> create, out T value) where T : StoredObject
    {
        if (!c.TryRead(index, out T? existing))
        {
            value = null!;
            return false;
        }
        // The engine may hold it in a form of its own (a disk engine's view): use what it stored.
        existing ??= (T)c.Keyspace.StoreObject(c.Arg(index), create());
        value = existing;
        return true;
    }

    /// <summary>
    /// HDEL, ZREM, SREM: <paramref name="remove"/> the element named by each argument from 2 on; an
    /// emptied collection loses its key; logged when anything went; replies how many went.
    /// </summary>
    public static void RemoveEach<T>(this CommandContext c, Func<T, ReadOnlySpan<byte>, bool> remove) where T : StoredObject
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out T? collection))
            return;
        long removed = 0;
        if (collection is not null)
        {
            for (int i = 2; i < c.Count; i++)
                if (remove(collection, c.Arg(i)))
                    removed++;
            if (removed > 0)
            {
                c.NotifyAsCommand(collection.Type switch
                {
                    Engine.KeyType.Hash => PubSub.NotifyClass.Hash,
                    Engine.KeyType.Set => PubSub.NotifyClass.Set,
                    _ => PubSub.NotifyClass.ZSet,
                }, c.Arg(1));   // HDEL, SREM, ZREM
                c.Keyspace.ObjectChanged(c.Arg(1), collection);
                c.Keyspace.LogCommand(c.Args);
            }
        }
        c.Output.WriteInteger(removed);
    }

    /// <summary>HLEN, ZCARD, SCARD, LLEN: the size of the collection at argument 1, 0 when missing.</summary>
    public static void WriteLength<T>(this CommandContext c) where T : StoredObject
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out T? collection))
            c.Output.WriteInteger(collection?.Length ?? 0);
    }

    /// <summary>Replies with an empty array (RESP2 and RESP3 alike) — what Redis answers for a missing collection.</summary>
    public static void WriteEmptyArray(this CommandContext c) => c.Output.WriteArrayHeader(0);

    /// <summary>Parses a double argument (scores, float increments), or replies Redis's error and returns false.</summary>
    public static bool TryDouble(this CommandContext c, int index, out double value)
    {
        if (RedisNumber.TryParseDouble(c.Arg(index), out value))
            return true;
        c.Output.WriteError(Errors.NotFloat);
        return false;
    }
}
