using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

/// <summary>
/// The ranklist family against a real node: RL.ADD with its options and MAXLEN, RL.INCRBY, RL.REM,
/// RL.CARD, RL.SCORE, RL.RANK, RL.RANGE, RL.RANGEBYSCORE, RL.TRIM — order by score descending,
/// ties by member ascending; reply shapes in RESP2 and RESP3; errors with nothing changed;
/// WRONGTYPE; emptied lists losing their key; TYPE, SCAN TYPE, RENAME and EXPIRE on the type.
/// </summary>
public abstract class RankListCommandTests(NodeFixture fixture)
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private static string Bulks(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items.Select(i => $"${i.Length}\r\n{i}\r\n"));

    [Fact]
    public async Task Add_orders_best_first_with_ties_by_member()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":4\r\n", await c.CommandAsync("RL.ADD", "rl:a", "5", "b", "5", "a", "9", "z", "-1", "c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.ADD", "rl:a", "5", "b"));
        Assert.Equal("+ranklist\r\n", await c.CommandAsync("TYPE", "rl:a"));
        Assert.Equal(":4\r\n", await c.CommandAsync("RL.CARD", "rl:a"));
        Assert.Equal(Bulks("z", "a", "b", "c"), await c.CommandAsync("RL.RANGE", "rl:a", "0", "-1"));
        Assert.Equal(Bulks("z", "9", "a", "5"), await c.CommandAsync("RL.RANGE", "rl:a", "0", "1", "WITHSCORES"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("RL.RANGE", "rl:a", "-2", "100"));
        Assert.Equal("*0\r\n", await c.CommandAsync("RL.RANGE", "rl:a", "3", "1"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.RANK", "rl:a", "z"));
        Assert.Equal(":2\r\n", await c.CommandAsync("RL.RANK", "rl:a", "b"));
        Assert.Equal("$-1\r\n", await c.CommandAsync("RL.RANK", "rl:a", "nope"));
        Assert.Equal("*3\r\n$1\r\n9\r\n$-1\r\n$2\r\n-1\r\n", await c.CommandAsync("RL.SCORE", "rl:a", "z", "nope", "c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.CARD", "rl:missing"));
        Assert.Equal("*0\r\n", await c.CommandAsync("RL.RANGE", "rl:missing", "0", "-1"));
        Assert.Equal("*1\r\n$-1\r\n", await c.CommandAsync("RL.SCORE", "rl:missing", "x"));
        await c.CommandAsync("SET", "rl:a-string", "v");
        Assert.Equal(["rl:a"], await ScanAllAsync(c, "rl:a*", "ranklist"));
    }

    private static async Task<List<string>> ScanAllAsync(RawConnection c, string pattern, string type)
    {
        var keys = new List<string>();
        string cursor = "0";
        do
        {
            var reply = await c.ReadValueAfterAsync("SCAN", cursor, "MATCH", pattern, "TYPE", type, "COUNT", "100");
            cursor = reply[0].AsString()!;
            keys.AddRange(reply[1].AsStringArray()!);
        } while (cursor != "0");
        return keys;
    }

    [Fact]
    public async Task Add_options_follow_zadd()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":2\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "1", "a", "5", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "NX", "9", "a", "3", "c"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "XX", "2", "a", "7", "new"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "GT", "0", "a", "6", "b"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "LT", "4", "b", "3", "c"));
        Assert.Equal(Bulks("b", "4", "c", "3", "a", "2"), await c.CommandAsync("RL.RANGE", "rl:opt", "0", "-1", "WITHSCORES"));
        Assert.Equal("-ERR XX and NX options at the same time are not compatible\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "NX", "XX", "1", "q"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "GT", "LT", "1", "q"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "NX", "GT", "1", "q"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "1", "q", "2"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "1", "q", "nan", "r"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "x", "q"));
        Assert.Equal("-ERR MAXLEN must be positive\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "MAXLEN", "0", "1", "q"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "MAXLEN", "x", "1", "q"));
        Assert.Equal("-ERR wrong number of arguments for 'rl.add' command\r\n", await c.CommandAsync("RL.ADD", "rl:opt", "1"));
        Assert.Equal(":3\r\n", await c.CommandAsync("RL.CARD", "rl:opt"));   // nothing changed by the errors
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.ADD", "rl:xx", "XX", "1", "a"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "rl:xx"));
    }

    [Fact]
    public async Task Maxlen_evicts_the_lowest_now_and_on_later_writes()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal(":5\r\n", await c.CommandAsync("RL.ADD", "rl:cap", "MAXLEN", "3", "1", "a", "2", "b", "3", "c", "4", "d", "4", "e"));
        Assert.Equal(Bulks("d", "e", "c"), await c.CommandAsync("RL.RANGE", "rl:cap", "0", "-1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RL.ADD", "rl:cap", "10", "top"));
        Assert.Equal(Bulks("top", "d", "e"), await c.CommandAsync("RL.RANGE", "rl:cap", "0", "-1"));
        Assert.Equal("$1\r\n1\r\n", await c.CommandAsync("RL.INCRBY", "rl:cap", "1", "low"));   // added, then evicted at once
        Assert.Equal(Bulks("top", "d", "e"), await c.CommandAsync("RL.RANGE", "rl:cap", "0", "-1"));
        Assert.Equal(":2\r\n", await c.CommandAsync("RL.TRIM", "rl:cap", "1"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.TRIM", "rl:cap", "5"));
        Assert.Equal("-ERR maxlen must not be negative\r\n", await c.CommandAsync("RL.TRIM", "rl:cap", "-1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RL.TRIM", "rl:cap", "0"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "rl:cap"));
    }

    [Fact]
    public async Task Incrby_rem_and_emptied_keys()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.Equal("$3\r\n2.5\r\n", await c.CommandAsync("RL.INCRBY", "rl:inc", "2.5", "a"));
        Assert.Equal("$1\r\n0\r\n", await c.CommandAsync("RL.INCRBY", "rl:inc", "-2.5", "a"));
        Assert.Equal("$3\r\ninf\r\n", await c.CommandAsync("RL.INCRBY", "rl:inc", "inf", "b"));
        Assert.Equal("-ERR resulting score is not a number (NaN)\r\n", await c.CommandAsync("RL.INCRBY", "rl:inc", "-inf", "b"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.INCRBY", "rl:inc", "x", "b"));
        Assert.Equal("-ERR value is not a valid float\r\n", await c.CommandAsync("RL.INCRBY", "rl:nan", "nan", "b"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "rl:nan"));
        Assert.Equal(":1\r\n", await c.CommandAsync("EXPIRE", "rl:inc", "100"));
        Assert.Equal(":2\r\n", await c.CommandAsync("RL.REM", "rl:inc", "a", "b", "zz"));
        Assert.Equal(":0\r\n", await c.CommandAsync("EXISTS", "rl:inc"));
        Assert.Equal(":0\r\n", await c.CommandAsync("RL.REM", "rl:inc", "a"));
    }

    [Fact]
    public async Task Rangebyscore_goes_from_max_down_to_min()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("RL.ADD", "rl:s", "1", "a", "2", "b", "2", "c", "3", "d", "-inf", "e", "+inf", "f");
        Assert.Equal(Bulks("d", "b", "c"), await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "3", "2"));
        Assert.Equal(Bulks("b", "c"), await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "(3", "(1"));
        Assert.Equal(Bulks("f", "d", "b", "c", "a", "e"), await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "+inf", "-inf"));
        Assert.Equal(Bulks("c", "2", "a", "1"), await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "2", "0", "WITHSCORES", "LIMIT", "1", "2"));
        Assert.Equal("*0\r\n", await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "1", "2"));
        Assert.Equal("*0\r\n", await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "2", "1", "LIMIT", "-1", "2"));
        Assert.Equal("-ERR min or max is not a float\r\n", await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "x", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.RANGEBYSCORE", "rl:s", "2", "1", "LIMIT", "1"));
        Assert.Equal("-ERR syntax error\r\n", await c.CommandAsync("RL.RANGE", "rl:s", "0", "1", "WITHSCORE"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await c.CommandAsync("RL.RANGE", "rl:s", "a", "1"));
    }

    [Fact]
    public async Task Resp3_scores_are_doubles_and_withscores_pairs_nest()
    {
        await using var c = await fixture.ConnectAsync();
        Assert.StartsWith("%", await c.CommandAsync("HELLO", "3"));
        await c.CommandAsync("RL.ADD", "rl:r3", "1.5", "a", "2", "b");
        Assert.Equal("*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1.5\r\n", await c.CommandAsync("RL.RANGE", "rl:r3", "0", "-1", "WITHSCORES"));
        Assert.Equal("*2\r\n,1.5\r\n_\r\n", await c.CommandAsync("RL.SCORE", "rl:r3", "a", "x"));
        Assert.Equal(",3.5\r\n", await c.CommandAsync("RL.INCRBY", "rl:r3", "2", "a"));
        Assert.Equal("_\r\n", await c.CommandAsync("RL.RANK", "rl:r3", "x"));
    }

    [Fact]
    public async Task Other_types_answer_wrongtype_and_keys_commands_work()
    {
        await using var c = await fixture.ConnectAsync();
        await c.CommandAsync("SET", "rl:str", "v");
        await c.CommandAsync("RL.ADD", "rl:k", "1", "a");
        foreach (var command in new[] { new[] { "RL.ADD", "rl:str", "1", "a" }, ["RL.INCRBY", "rl:str", "1", "a"], ["RL.REM", "rl:str", "a"],
                     ["RL.CARD", "rl:str"], ["RL.SCORE", "rl:str", "a"], ["RL.RANK", "rl:str", "a"], ["RL.RANGE", "rl:str", "0", "1"],
                     ["RL.RANGEBYSCORE", "rl:str", "1", "0"], ["RL.TRIM", "rl:str", "1"], ["SADD", "rl:k", "x"], ["GET", "rl:k"] })
            Assert.Equal(WrongType, await c.CommandAsync(command));
        Assert.Equal("+OK\r\n", await c.CommandAsync("RENAME", "rl:k", "rl:k2"));
        Assert.Equal(Bulks("a"), await c.CommandAsync("RL.RANGE", "rl:k2", "0", "-1"));
        Assert.Equal(":1\r\n", await c.CommandAsync("COPY", "rl:k2", "rl:k3"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RL.ADD", "rl:k3", "2", "b"));
        Assert.Equal(":1\r\n", await c.CommandAsync("RL.CARD", "rl:k2"));   // the copy is deep
        Assert.Equal(":1\r\n", await c.CommandAsync("DEL", "rl:k2"));
    }
}
