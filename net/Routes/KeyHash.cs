using System.IO.Hashing;

namespace Istore.Net.Routes;

/// <summary>
/// What routes a key: XxHash64 (seed 0) of the key, or of the part inside its first
/// <c>{…}</c> when that part is non-empty (Redis Cluster's hash tag rule), so related keys can
/// be kept on one shard.
/// </summary>
public static class KeyHash
{
    public static ulong Hash(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(HashTag(key));

    public static int Shard(ReadOnlySpan<byte> key, int shards) => shards == 1 ? 0 : JumpHash.Bucket(Hash(key), shards);

    public static ReadOnlySpan<byte> HashTag(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open < 0)
            return key;
        int close = key[(open + 1)..].IndexOf((byte)'}');
        return close > 0 ? key.Slice(open + 1, close) : key;
    }
}
