using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// SINTER SUNION SDIFF, their STORE forms and SINTERCARD, run side by side on the node and on a
/// real redis-server 7 with the same data: replies must agree (members compared as sets, since
/// order is the engine's), errors and integers byte for byte, in RESP2 and RESP3, on either engine.
/// </summary>
public abstract class SetAlgebraTests(NodeFixture fixture, RedisServerFixture redis)
{
    private sealed class Pair(RawConnection node, RawConnection oracle) : IAsyncDisposable
    {
        public RawConnection Node => node;

        /// <summary>Runs the command on both and asserts the replies agree; returns the node's.</summary>
        public async Task<RespValue> AgreeAsync(params string[] args)
        {
            var expected = await oracle.ReadValueAfterAsync(args);
            var actual = await node.ReadValueAfterAsync(args);
            string what = string.Join(' ', args);
            Assert.True(expected.Type == actual.Type, $"{what}: {Describe(actual)}, redis {Describe(expected)}");
            if (actual.IsAggregate)
                Assert.True(SetCommandTests.Sorted(expected).SequenceEqual(SetCommandTests.Sorted(actual)), what);
            else if (actual.Type == RespType.Integer)
                Assert.True(expected.AsInteger() == actual.AsInteger(), $"{what}: {actual.AsInteger()}, redis {expected.AsInteger()}");
            else
                Assert.True(expected.AsString() == actual.AsString(), $"{what}: {actual.AsString()}, redis {expected.AsString()}");
            return actual;
        }

        public async Task HelloAsync(string protocol)
        {
            await oracle.ReadValueAfterAsync("HELLO", protocol);
            await node.ReadValueAfterAsync("HELLO", protocol);
        }

        private static string Describe(RespValue value) => value.IsAggregate ? $"{value.Type} of {value.Count}" : $"{value.Type} {value.AsString()}";

        public async ValueTask DisposeAsync()
        {
            await node.DisposeAsync();
            await oracle.DisposeAsync();
        }
    }

    private async Task<Pair> ConnectAsync(int protocol = 2)
    {
        var pair = new Pair(await fixture.ConnectAsync(), await RawConnection.ConnectAsync(redis.Port));
        if (protocol == 3)
            await pair.HelloAsync("3");
        return pair;
    }

    /// <summary>Random overlapping sets p:0 … p:n-1 of small numbers, the same on both servers.</summary>
    private static async Task<string[]> FillAsync(Pair both, string prefix, int seed, int sets)
    {
        var random = new Random(seed);
        var keys = new string[sets];
        for (int s = 0; s < sets; s++)
        {
            keys[s] = $"{prefix}:{s}";
            int size = random.Next(1, 60);
            var members = Enumerable.Range(0, size).Select(_ => random.Next(0, 80).ToString()).ToArray();
            await both.AgreeAsync(["DEL", keys[s]]);
            await both.AgreeAsync(["SADD", keys[s], .. members]);
        }
        return keys;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_sets_give_redis_results(int protocol)
    {
        await using var both = await ConnectAsync(protocol);
        string prefix = $"alg{protocol}";
        var keys = await FillAsync(both, prefix, seed: 7 + protocol, sets: 5);
        string missing = $"{prefix}:missing";
        string[][] sources =
        [
            [keys[0]], [keys[0], keys[1]], [keys[1], keys[2], keys[3]], keys, [keys[2], keys[2]],
            [keys[0], missing], [missing, keys[0]], [keys[3], keys[0], keys[3]],
        ];
        foreach (var from in sources)
        {
            foreach (var command in new[] { "SINTER", "SUNION", "SDIFF" })
            {
                var reply = await both.AgreeAsync([command, .. from]);
                Assert.Equal(protocol == 3 ? RespType.Set : RespType.Array, reply.Type);
                string destination = $"{prefix}:dest:{command}";
                await both.AgreeAsync([command + "STORE", destination, .. from]);
                await both.AgreeAsync("SMEMBERS", destination);
                await both.AgreeAsync("EXISTS", destination);
            }
            await both.AgreeAsync(["SINTERCARD", from.Length.ToString(), .. from]);
            foreach (var limit in new[] { "0", "1", "3", "1000" })
                await both.AgreeAsync(["SINTERCARD", from.Length.ToString(), .. from, "LIMIT", limit]);
        }
    }

    [Fact]
    public async Task Store_replaces_any_destination_and_an_empty_result_deletes_it()
    {
        await using var both = await ConnectAsync();
        await both.AgreeAsync("SADD", "store:a", "1", "2", "3");
        await both.AgreeAsync("SADD", "store:b", "3", "4");
        await both.AgreeAsync("SET", "store:dest", "a string", "EX", "1000");
        await both.AgreeAsync("SUNIONSTORE", "store:dest", "store:a", "store:b");
        await both.AgreeAsync("TYPE", "store:dest");
        await both.AgreeAsync("TTL", "store:dest");
        await both.AgreeAsync("SMEMBERS", "store:dest");
        // The destination may be one of the sources.
        await both.AgreeAsync("SDIFFSTORE", "store:a", "store:a", "store:b");
        await both.AgreeAsync("SMEMBERS", "store:a");
        await both.AgreeAsync("SINTERSTORE", "store:dest", "store:a", "store:b");
        await both.AgreeAsync("EXISTS", "store:dest");
        await both.AgreeAsync("SINTERSTORE", "store:never", "store:missing");
        await both.AgreeAsync("EXISTS", "store:never");
    }

    [Fact]
    public async Task Every_source_is_type_checked_even_after_a_missing_key()
    {
        await using var both = await ConnectAsync();
        await both.AgreeAsync("SET", "types:str", "v");
        await both.AgreeAsync("SADD", "types:set", "a");
        await both.AgreeAsync("SET", "types:dest", "keep");
        foreach (var command in new[] { "SINTER", "SUNION", "SDIFF" })
        {
            await both.AgreeAsync(command, "types:missing", "types:str");
            await both.AgreeAsync(command, "types:set", "types:missing", "types:str");
            await both.AgreeAsync(command + "STORE", "types:dest", "types:missing", "types:str");
        }
        await both.AgreeAsync("SINTERCARD", "2", "types:missing", "types:str");
        // A failed store leaves the destination alone; a string destination itself is no obstacle.
        await both.AgreeAsync("GET", "types:dest");
        await both.AgreeAsync("SUNIONSTORE", "types:str", "types:set");
        await both.AgreeAsync("TYPE", "types:str");
    }

    [Fact]
    public async Task Sintercard_argument_errors_match_redis()
    {
        await using var both = await ConnectAsync();
        await both.AgreeAsync("SADD", "card:a", "1", "2", "3");
        string[][] bad =
        [
            ["SINTERCARD", "0", "card:a"], ["SINTERCARD", "-1", "card:a"], ["SINTERCARD", "x", "card:a"],
            ["SINTERCARD", "99999999999999999999", "card:a"], ["SINTERCARD", "3", "card:a"],
            ["SINTERCARD", "2", "card:a"], ["SINTERCARD", "1", "card:a", "LIMIT", "-1"],
            ["SINTERCARD", "1", "card:a", "LIMIT", "x"], ["SINTERCARD", "1", "card:a", "LIMIT"],
            ["SINTERCARD", "1", "card:a", "FOO", "1"], ["SINTERCARD", "1"], ["SINTER"], ["SUNIONSTORE", "card:d"],
        ];
        foreach (var command in bad)
            Assert.True((await both.AgreeAsync(command)).IsError, string.Join(' ', command));
        await both.AgreeAsync("SINTERCARD", "1", "card:a", "limit", "5", "LIMIT", "2");
    }
}
