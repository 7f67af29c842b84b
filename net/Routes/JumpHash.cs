namespace Istore.Net.Routes;

/// <summary>
/// Lamping and Veach's jump consistent hash: maps a 64-bit key to one of <c>buckets</c> so that
/// growing from n to n+1 buckets moves only about 1/(n+1) of the keys, all onto the new bucket.
/// </summary>
public static class JumpHash
{
    public static int Bucket(ulong key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = key * 2862933555777941757UL + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }
}
