using System.Text;

namespace Istore.Perf;

/// <summary>Canned RESP request buffers shared by the benchmarks.</summary>
internal static class Canned
{
    public const string Key = "key:000000000042";

    /// <summary>64 bytes, like redis-benchmark -d 64.</summary>
    public static readonly byte[] Value64 = Encoding.ASCII.GetBytes(new string('x', 64));

    public static byte[] Command(params string[] words)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(words.Length).Append("\r\n");
        foreach (var w in words)
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(w)).Append("\r\n").Append(w).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Get(string key = Key) => Command("GET", key);

    public static byte[] Set(string key = Key) => Command("SET", key, Encoding.ASCII.GetString(Value64));

    /// <summary>16 commands back to back, alternating SET and GET on 8 keys (a redis-benchmark -P 16 style batch).</summary>
    public static byte[] Pipeline16()
    {
        var all = new List<byte>();
        for (int i = 0; i < 16; i++)
        {
            string key = $"key:{i / 2:D12}";
            all.AddRange(i % 2 == 0 ? Set(key) : Get(key));
        }
        return [.. all];
    }
}
