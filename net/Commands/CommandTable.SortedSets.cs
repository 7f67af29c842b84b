namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSortedSets(List<CommandSpec> t)
    {
        const string g = "sorted_set";
        const string Log = "O(log(N)) with N being the number of elements in the sorted set.";
        const string Range = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
        const string RangeBy = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
        const string RemoveRange = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
        const string Pop = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
        const string PopMany = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";
        const string Union = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
        const string Inter = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
        const string Diff = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";
        const string Limit = "[LIMIT (offset:integer count:integer)]";
        const string Combine = "numkeys:integer key:key... [WEIGHTS weight:integer...] [aggregate=AGGREGATE (SUM | MIN | MAX)]";
        const string Rank = "key:key member [WITHSCORE]{7.2.0}";
        string[] manyElements = ["2.4.0 Accepts multiple elements."];
        string[] withScore = ["7.2.0 Added the optional `WITHSCORE` argument."];
        Add(t, g, "ZADD", -4, W | M | F, 1, 1, 1, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", keys: "RW update",
            docs: Doc("1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
                "key:key condition=[NX | XX]{3.0.2} comparison=[GT | LT]{6.2.0} [change=CH]{3.0.2} [increment=INCR]{3.0.2} (score:double member)...",
                history: [.. manyElements, "3.0.2 Added the `XX`, `NX`, `CH` and `INCR` options.", "6.2.0 Added the `GT` and `LT` options."]));
        Add(t, g, "ZINCRBY", 4, W | M | F, 1, 1, 1, "Increments the score of a member in a sorted set.", keys: "RW access update",
            docs: Doc("1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", "key:key increment:integer member"));
        Add(t, g, "ZREM", -3, W | F, 1, 1, 1, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", keys: "RW delete",
            docs: Doc("1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", "key:key member...", history: manyElements));
        Add(t, g, "ZCARD", 2, R | F, 1, 1, 1, "Returns the number of members in a sorted set.", keys: "RO",
            docs: Doc("1.2.0", O1, "key:key"));
        Add(t, g, "ZSCORE", 3, R | F, 1, 1, 1, "Returns the score of a member in a sorted set.", keys: "RO access",
            docs: Doc("1.2.0", O1, "key:key member"));
        Add(t, g, "ZMSCORE", -3, R | F, 1, 1, 1, "Returns the score of one or more members in a sorted set.", keys: "RO access",
            docs: Doc("6.2.0", "O(N) where N is the number of members being requested.", "key:key member..."));
        Add(t, g, "ZRANK", -3, R | F, 1, 1, 1, "Returns the index of a member in a sorted set ordered by ascending scores.", keys: "RO access",
            docs: Doc("2.0.0", "O(log(N))", Rank, history: withScore));
        Add(t, g, "ZREVRANK", -3, R | F, 1, 1, 1, "Returns the index of a member in a sorted set ordered by descending scores.", keys: "RO access",
            docs: Doc("2.0.0", "O(log(N))", Rank, history: withScore));
        Add(t, g, "ZCOUNT", 4, R | F, 1, 1, 1, "Returns the count of members in a sorted set that have scores within a range.", keys: "RO access",
            docs: Doc("2.0.0", Log, "key:key min:double max:double"));
        Add(t, g, "ZLEXCOUNT", 4, R | F, 1, 1, 1, "Returns the number of members in a sorted set within a lexicographical range.", keys: "RO access",
            docs: Doc("2.8.9", Log, "key:key min max"));
        Add(t, g, "ZRANGE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of indexes.", keys: "RO access",
            docs: Doc("1.2.0", Range, $"key:key start stop sortby=[BYSCORE | BYLEX]{{6.2.0}} [REV]{{6.2.0}} {Limit}{{6.2.0}} [WITHSCORES]",
                history: ["6.2.0 Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."]));
        Add(t, g, "ZRANGESTORE", -5, W | M, 1, 2, 1, "Stores a range of members from sorted set in a key.", keys: "OW update i1; RO access i2",
            docs: Doc("6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", $"dst:key src:key min max sortby=[BYSCORE | BYLEX] [REV] {Limit}"));
        Add(t, g, "ZREVRANGE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of indexes in reverse order.", keys: "RO access",
            docs: Doc("1.2.0", Range, "key:key start:integer stop:integer [WITHSCORES]", deprecated: "6.2.0 `ZRANGE` with the `REV` argument"));
        Add(t, g, "ZRANGEBYSCORE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of scores.", keys: "RO access",
            docs: Doc("1.0.5", RangeBy, $"key:key min:double max:double [WITHSCORES]{{2.0.0}} {Limit}", history: ["2.0.0 Added the `WITHSCORES` modifier."], deprecated: "6.2.0 `ZRANGE` with the `BYSCORE` argument"));
        Add(t, g, "ZREVRANGEBYSCORE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of scores in reverse order.", keys: "RO access",
            docs: Doc("2.2.0", RangeBy, $"key:key max:double min:double [WITHSCORES] {Limit}", history: ["2.1.6 `min` and `max` can be exclusive."], deprecated: "6.2.0 `ZRANGE` with the `REV` and `BYSCORE` arguments"));
        Add(t, g, "ZRANGEBYLEX", -4, R, 1, 1, 1, "Returns members in a sorted set within a lexicographical range.", keys: "RO access",
            docs: Doc("2.8.9", RangeBy, $"key:key min max {Limit}", deprecated: "6.2.0 `ZRANGE` with the `BYLEX` argument"));
        Add(t, g, "ZREVRANGEBYLEX", -4, R, 1, 1, 1, "Returns members in a sorted set within a lexicographical range in reverse order.", keys: "RO access",
            docs: Doc("2.8.9", RangeBy, $"key:key max min {Limit}", deprecated: "6.2.0 `ZRANGE` with the `REV` and `BYLEX` arguments"));
        Add(t, g, "ZREMRANGEBYRANK", 4, W, 1, 1, 1, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", keys: "RW delete",
            docs: Doc("2.0.0", RemoveRange, "key:key start:integer stop:integer"));
        Add(t, g, "ZREMRANGEBYSCORE", 4, W, 1, 1, 1, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", keys: "RW delete",
            docs: Doc("1.2.0", RemoveRange, "key:key min:double max:double"));
        Add(t, g, "ZREMRANGEBYLEX", 4, W, 1, 1, 1, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", keys: "RW delete",
            docs: Doc("2.8.9", RemoveRange, "key:key min max"));
        Add(t, g, "ZPOPMIN", -2, W | F, 1, 1, 1, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", keys: "RW access delete",
            docs: Doc("5.0.0", Pop, "key:key [count:integer]"));
        Add(t, g, "ZPOPMAX", -2, W | F, 1, 1, 1, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", keys: "RW access delete",
            docs: Doc("5.0.0", Pop, "key:key [count:integer]"));
        Add(t, g, "ZMPOP", -4, W, 0, 0, 0, "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", numKeysAt: 1, keys: "RW access delete i1 n0,1,1",
            docs: Doc("7.0.0", PopMany, "numkeys:integer key:key... where=(MIN | MAX) [COUNT count:integer]"));
        Add(t, g, "BZPOPMIN", -3, W | F | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", keys: "RW access delete",
            docs: Doc("5.0.0", Log, "key:key... timeout:double", history: [DoubleTimeout]));
        Add(t, g, "BZPOPMAX", -3, W | F | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise. Deletes the sorted set if the last element was popped.", keys: "RW access delete",
            docs: Doc("5.0.0", Log, "key:key... timeout:double", history: [DoubleTimeout]));
        Add(t, g, "BZMPOP", -5, W | B, 0, 0, 0, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", numKeysAt: 2, keys: "RW access delete i2 n0,1,1",
            docs: Doc("7.0.0", PopMany, "timeout:double numkeys:integer key:key... where=(MIN | MAX) [COUNT count:integer]"));
        Add(t, g, "ZRANDMEMBER", -2, R, 1, 1, 1, "Returns one or more random members from a sorted set.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("6.2.0", "O(N) where N is the number of elements returned", "key:key options=[count:integer [WITHSCORES]]"));
        Add(t, g, "ZUNION", -3, R, 0, 0, 0, "Returns the union of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1",
            docs: Doc("6.2.0", Union, Combine + " [WITHSCORES]"));
        Add(t, g, "ZINTER", -3, R, 0, 0, 0, "Returns the intersect of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1",
            docs: Doc("6.2.0", Inter, Combine + " [WITHSCORES]"));
        Add(t, g, "ZDIFF", -3, R, 0, 0, 0, "Returns the difference between multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1",
            docs: Doc("6.2.0", Diff, "numkeys:integer key:key... [WITHSCORES]"));
        Add(t, g, "ZUNIONSTORE", -4, W | M, 1, 1, 1, "Stores the union of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1",
            docs: Doc("2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "destination:key " + Combine));
        Add(t, g, "ZINTERSTORE", -4, W | M, 1, 1, 1, "Stores the intersect of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1",
            docs: Doc("2.0.0", Inter, "destination:key " + Combine));
        Add(t, g, "ZDIFFSTORE", -4, W | M, 1, 1, 1, "Stores the difference of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1",
            docs: Doc("6.2.0", Diff, "destination:key numkeys:integer key:key..."));
        Add(t, g, "ZINTERCARD", -3, R, 0, 0, 0, "Returns the number of members of the intersect of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1",
            docs: Doc("7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", "numkeys:integer key:key... [LIMIT limit:integer]"));
        Add(t, g, "ZSCAN", -3, R, 1, 1, 1, "Iterates over members and scores of a sorted set.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("2.8.0", Scan + ".", CollectionScan));
    }
}
