using StackExchange.Redis;

namespace Istore.Tests.Node;

/// <summary>A key's type and whole value as one comparable string (sets and hashes sorted), read through any server.</summary>
internal static class ValueSnapshot
{
    public static async Task<string> OfAsync(IDatabase db, RedisKey key)
    {
        var type = await db.KeyTypeAsync(key);
        return type switch
        {
            RedisType.None => "none",
            RedisType.String => "string:" + Convert.ToHexString((byte[])(await db.StringGetAsync(key))!),
            RedisType.List => "list:" + Join(await db.ListRangeAsync(key)),
            RedisType.Set => "set:" + Join((await db.SetMembersAsync(key)).Select(m => m.ToString()).Order(StringComparer.Ordinal)),
            RedisType.SortedSet => "zset:" + Join((await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}={e.Score:R}")),
            RedisType.Hash => "hash:" + Join((await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal)),
            _ => type.ToString(),
        };
    }

    private static string Join<T>(IEnumerable<T> items) => string.Join("\u0001", items);
}
