using Istore.Tests.Infrastructure;

namespace Istore.Tests.Replication;

/// <summary>Writes of every type a replica must reproduce: strings with and without expiry, counters, each collection type, a transaction, deletes and expiry changes.</summary>
public static class ReplicationWorkload
{
    public static async Task WriteAsync(NodeProcess node, string prefix, int rounds)
    {
        await using var c = await node.ConnectAsync();
        for (int i = 0; i < rounds; i++)
        {
            string k = $"{prefix}:{i}";
            var commands = new List<string[]>
            {
                new[] { "SET", k + ":s", "value-" + i },
                new[] { "SET", k + ":ttl", "v", "EX", "1000" },
                new[] { "INCRBY", prefix + ":counter", i.ToString() },
                new[] { "APPEND", prefix + ":appended", i.ToString() },
                new[] { "HSET", k + ":h", "f1", "a", "f2", i.ToString() },
                new[] { "HINCRBYFLOAT", k + ":h", "f3", "1.5" },
                new[] { "RPUSH", prefix + ":list", "x" + i, "y" + i },
                new[] { "LPOP", prefix + ":list" },
                new[] { "SADD", prefix + ":set", "m" + i, "n" + (i % 7) },
                new[] { "SPOP", prefix + ":set" },
                new[] { "ZADD", prefix + ":zset", i.ToString(), "z" + i, (i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), "w" + (i % 5) },
                new[] { "ZINCRBY", prefix + ":zset", "2", "z0" },
                new[] { "MULTI" }, new[] { "SET", k + ":tx", "1" }, new[] { "INCR", k + ":tx" }, new[] { "LPUSH", k + ":txlist", "a" }, new[] { "EXEC" },
                new[] { "EXPIRE", k + ":s", "5000" },
                new[] { "PERSIST", k + ":ttl" },
            };
            if (i % 3 == 0)
                commands.Add(["DEL", $"{prefix}:{i / 2}:h"]);
            if (i % 4 == 0)
                commands.Add(["RENAME", k + ":s", k + ":renamed"]);
            foreach (var command in commands)
                await c.SendCommandAsync(command);
            foreach (var command in commands)
            {
                string reply = await c.ReadFrameAsync();
                Assert.False(reply.StartsWith('-'), $"{string.Join(' ', command)} → {reply}");
            }
        }
    }
}
