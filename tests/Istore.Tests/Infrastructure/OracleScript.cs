namespace Istore.Tests.Infrastructure;

/// <summary>
/// Runs the same commands, one reply frame each, on an istore connection and on a real
/// redis-server connection, and asserts the replies are byte-identical, step by step.
/// </summary>
public static class OracleScript
{
    public static async Task AssertSameRepliesAsync(RawConnection istore, RawConnection redis, params string[] script)
    {
        foreach (var line in script)
        {
            var args = line.Split(' ');
            string expected = await redis.CommandAsync(args);
            string actual = await istore.CommandAsync(args);
            Assert.True(expected == actual, $"{line}\n redis:  {Escape(expected)}\n istore: {Escape(actual)}");
        }
    }

    private static string Escape(string reply) => reply.Replace("\r\n", "\\r\\n");
}
