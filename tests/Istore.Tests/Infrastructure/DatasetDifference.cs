namespace Istore.Tests.Infrastructure;

/// <summary>
/// Which keys two nodes disagree on (missing, extra, or another type, value or expiry), so that a
/// digest mismatch in a replication test says what diverged rather than only that something did.
/// </summary>
public static class DatasetDifference
{
    private const int MaxKeys = 20_000;

    public static async Task<string> DescribeAsync(NodeProcess expected, NodeProcess actual, int limit = 20)
    {
        await using var e = await expected.ConnectAsync();
        await using var a = await actual.ConnectAsync();
        var expectedKeys = await KeysAsync(e);
        var actualKeys = await KeysAsync(a);
        if (expectedKeys is null || actualKeys is null)
            return $"(more than {MaxKeys} keys: not compared key by key)";
        var differences = new List<string>();
        foreach (var key in expectedKeys.Union(actualKeys).Order(StringComparer.Ordinal))
        {
            string wanted = await DescribeKeyAsync(e, key, expectedKeys.Contains(key));
            string got = await DescribeKeyAsync(a, key, actualKeys.Contains(key));
            if (wanted != got)
                differences.Add($"{key}: expected {wanted}, found {got}");
            if (differences.Count == limit)
                break;
        }
        return differences.Count == 0 ? "(no key differs)" : string.Join("\n", differences);
    }

    private static async Task<HashSet<string>?> KeysAsync(RawConnection c)
    {
        var keys = new HashSet<string>();
        string cursor = "0";
        do
        {
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "COUNT", "1000");
            cursor = reply[0].AsString()!;
            keys.UnionWith(reply[1].AsStringArray().Select(k => k!));
            if (keys.Count > MaxKeys)
                return null;
        }
        while (cursor != "0");
        return keys;
    }

    private static async Task<string> DescribeKeyAsync(RawConnection c, string key, bool listed)
    {
        if (!listed)
            return "no key";
        string type = (await c.ReadValueAfterAsync("TYPE", key)).AsString()!;
        string digest = (await c.ReadValueAfterAsync("DEBUG", "DIGEST-VALUE", key))[0].AsString()!;
        return $"{type} {digest}";
    }
}
