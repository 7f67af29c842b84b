using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

public sealed partial class KeyspaceSession
{
    /// <summary>One SCAN step: live keys from <paramref name="cursor"/>, filtered; returns the next cursor (0 = done).</summary>
    public long Scan(long cursor, int count, GlobPattern? pattern, KeyType? type, List<byte[]> into)
    {
        long now = Database.NowMs;
        return _engine.Scan(cursor, count, (key, keyType, expireAt) =>
        {
            if (expireAt != 0 && expireAt <= now)
                return;
            if (type is { } wanted && keyType != wanted)
                return;
            if (pattern is not null && !pattern.IsMatch(key))
                return;
            into.Add(key.ToArray());
        });
    }

    /// <summary>Every live key matching <paramref name="pattern"/> (KEYS).</summary>
    public List<byte[]> Keys(GlobPattern pattern)
    {
        var keys = new List<byte[]>();
        long cursor = 0;
        do cursor = Scan(cursor, 4096, pattern, null, keys);
        while (cursor != 0);
        return keys;
    }

    /// <summary>A live key from a random place in the keyspace, or null when it is empty.</summary>
    public byte[]? RandomKey()
    {
        var candidates = new List<byte[]>();
        long cursor = _engine.RandomCursor();
        for (int pass = 0; pass < 2 && candidates.Count == 0; pass++)
        {
            do cursor = Scan(cursor, 64, null, null, candidates);
            while (cursor != 0 && candidates.Count == 0);
        }
        return candidates.Count == 0 ? null : candidates[Random.Shared.Next(candidates.Count)];
    }

    /// <summary>
    /// One step of active expiry: looks at up to <paramref name="count"/> keys from
    /// <paramref name="cursor"/> and removes the expired ones. Returns the next cursor and how many expired.
    /// </summary>
    public (long Next, int Expired) ExpireStep(long cursor, int count)
    {
        var expired = new List<byte[]>();
        long next = _engine.Scan(cursor, count, (key, _, _) => expired.Add(key.ToArray()), expiredBy: Database.NowMs);
        foreach (var key in expired)
            TypeOf(key, out _);   // lazy expiry removes it and counts it
        return (next, expired.Count);
    }
}
