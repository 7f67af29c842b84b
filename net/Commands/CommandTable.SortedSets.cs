namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSortedSets(List<CommandSpec> t)
    {
        const string g = "sorted_set";
        Add(t, g, "ZADD", -4, W | M | F, 1, 1, 1, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", keys: "RW update");
        Add(t, g, "ZINCRBY", 4, W | M | F, 1, 1, 1, "Increments the score of a member in a sorted set.", keys: "RW access update");
        Add(t, g, "ZREM", -3, W | F, 1, 1, 1, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", keys: "RW delete");
        Add(t, g, "ZCARD", 2, R | F, 1, 1, 1, "Returns the number of members in a sorted set.", keys: "RO");
        Add(t, g, "ZSCORE", 3, R | F, 1, 1, 1, "Returns the score of a member in a sorted set.", keys: "RO access");
        Add(t, g, "ZMSCORE", -3, R | F, 1, 1, 1, "Returns the score of one or more members in a sorted set.", keys: "RO access");
        Add(t, g, "ZRANK", -3, R | F, 1, 1, 1, "Returns the index of a member in a sorted set ordered by ascending scores.", keys: "RO access");
        Add(t, g, "ZREVRANK", -3, R | F, 1, 1, 1, "Returns the index of a member in a sorted set ordered by descending scores.", keys: "RO access");
        Add(t, g, "ZCOUNT", 4, R | F, 1, 1, 1, "Returns the count of members in a sorted set that have scores within a range.", keys: "RO access");
        Add(t, g, "ZLEXCOUNT", 4, R | F, 1, 1, 1, "Returns the number of members in a sorted set within a lexicographical range.", keys: "RO access");
        Add(t, g, "ZRANGE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of indexes.", keys: "RO access");
        Add(t, g, "ZRANGESTORE", -5, W | M, 1, 2, 1, "Stores a range of members from sorted set in a key.", keys: "OW update i1; RO access i2");
        Add(t, g, "ZREVRANGE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of indexes in reverse order.", keys: "RO access");
        Add(t, g, "ZRANGEBYSCORE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of scores.", keys: "RO access");
        Add(t, g, "ZREVRANGEBYSCORE", -4, R, 1, 1, 1, "Returns members in a sorted set within a range of scores in reverse order.", keys: "RO access");
        Add(t, g, "ZRANGEBYLEX", -4, R, 1, 1, 1, "Returns members in a sorted set within a lexicographical range.", keys: "RO access");
        Add(t, g, "ZREVRANGEBYLEX", -4, R, 1, 1, 1, "Returns members in a sorted set within a lexicographical range in reverse order.", keys: "RO access");
        Add(t, g, "ZREMRANGEBYRANK", 4, W, 1, 1, 1, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", keys: "RW delete");
        Add(t, g, "ZREMRANGEBYSCORE", 4, W, 1, 1, 1, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", keys: "RW delete");
        Add(t, g, "ZREMRANGEBYLEX", 4, W, 1, 1, 1, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", keys: "RW delete");
        Add(t, g, "ZPOPMIN", -2, W | F, 1, 1, 1, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", keys: "RW access delete");
        Add(t, g, "ZPOPMAX", -2, W | F, 1, 1, 1, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", keys: "RW access delete");
        Add(t, g, "ZMPOP", -4, W, 0, 0, 0, "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", numKeysAt: 1, keys: "RW access delete i1 n0,1,1");
        Add(t, g, "BZPOPMIN", -3, W | F | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", keys: "RW access delete");
        Add(t, g, "BZPOPMAX", -3, W | F | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise. Deletes the sorted set if the last element was popped.", keys: "RW access delete");
        Add(t, g, "BZMPOP", -5, W | B, 0, 0, 0, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", numKeysAt: 2, keys: "RW access delete i2 n0,1,1");
        Add(t, g, "ZRANDMEMBER", -2, R, 1, 1, 1, "Returns one or more random members from a sorted set.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "ZUNION", -3, R, 0, 0, 0, "Returns the union of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1");
        Add(t, g, "ZINTER", -3, R, 0, 0, 0, "Returns the intersect of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1");
        Add(t, g, "ZDIFF", -3, R, 0, 0, 0, "Returns the difference between multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1");
        Add(t, g, "ZUNIONSTORE", -4, W | M, 1, 1, 1, "Stores the union of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1");
        Add(t, g, "ZINTERSTORE", -4, W | M, 1, 1, 1, "Stores the intersect of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1");
        Add(t, g, "ZDIFFSTORE", -4, W | M, 1, 1, 1, "Stores the difference of multiple sorted sets in a key.", numKeysAt: 2, keys: "OW update i1; RO access i2 n0,1,1");
        Add(t, g, "ZINTERCARD", -3, R, 0, 0, 0, "Returns the number of members of the intersect of multiple sorted sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1");
        Add(t, g, "ZSCAN", -3, R, 1, 1, 1, "Iterates over members and scores of a sorted set.", keys: "RO access", tips: "nondeterministic_output");
    }
}
