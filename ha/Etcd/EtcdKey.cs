using System.Text;

namespace Istore.Ha.Etcd;

/// <summary>Keys are UTF-8 text here; etcd sees bytes.</summary>
public static class EtcdKey
{
    public static byte[] Bytes(string key) => Encoding.UTF8.GetBytes(key);

    /// <summary>The range end that selects every key starting with <paramref name="prefix"/> (its last byte plus one, as etcd's clients do).</summary>
    public static byte[] PrefixEnd(string prefix)
    {
        byte[] end = Bytes(prefix);
        for (int i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }
        return [0];   // every byte 0xff: to the end of the keyspace
    }
}
