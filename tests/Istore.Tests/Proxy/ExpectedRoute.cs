using System.IO.Hashing;
using System.Text;

namespace Istore.Tests.Proxy;

/// <summary>
/// The routing rule written again, independently of the proxy's code: the hash tag rule, then
/// the jump consistent hash as the paper's pseudo-random formulation states it.
/// </summary>
public static class ExpectedRoute
{
    public static int Shard(string key, int shards)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        int open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            int close = Array.IndexOf(bytes, (byte)'}', open + 1);
            if (close > open + 1)
                bytes = bytes[(open + 1)..close];
        }
        return Jump(XxHash64.HashToUInt64(bytes, 0), shards);
    }

    /// <summary>Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm", figure 1.</summary>
    private static int Jump(ulong key, int buckets)
    {
        long b = -1;
        long j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked(key * 2862933555777941757UL + 1);
            double r = (double)(1L << 31) / (double)((key >> 33) + 1);
            j = (long)((b + 1) * r);
        }
        return (int)b;
    }
}
