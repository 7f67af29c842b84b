namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSets(List<CommandSpec> t)
    {
        const string g = "set";
        Add(t, g, "SADD", -3, W | M | F, 1, 1, 1, "Adds one or more members to a set. Creates the key if it doesn't exist.");
        Add(t, g, "SREM", -3, W | F, 1, 1, 1, "Removes one or more members from a set. Deletes the set if the last member was removed.");
        Add(t, g, "SISMEMBER", 3, R | F, 1, 1, 1, "Determines whether a member belongs to a set.");
        Add(t, g, "SMISMEMBER", -3, R | F, 1, 1, 1, "Determines whether multiple members belong to a set.");
        Add(t, g, "SMEMBERS", 2, R, 1, 1, 1, "Returns all members of a set.");
        Add(t, g, "SCARD", 2, R | F, 1, 1, 1, "Returns the number of members in a set.");
        Add(t, g, "SPOP", -2, W | F, 1, 1, 1, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.");
        Add(t, g, "SRANDMEMBER", -2, R, 1, 1, 1, "Get one or multiple random members from a set");
        Add(t, g, "SMOVE", 4, W | F, 1, 2, 1, "Moves a member from one set to another.");
        Add(t, g, "SINTER", -2, R, 1, -1, 1, "Returns the intersect of multiple sets.");
        Add(t, g, "SINTERCARD", -3, R, 0, 0, 0, "Returns the number of members of the intersect of multiple sets.", numKeysAt: 1);
        Add(t, g, "SUNION", -2, R, 1, -1, 1, "Returns the union of multiple sets.");
        Add(t, g, "SDIFF", -2, R, 1, -1, 1, "Returns the difference of multiple sets.");
        Add(t, g, "SINTERSTORE", -3, W | M, 1, -1, 1, "Stores the intersect of multiple sets in a key.");
        Add(t, g, "SUNIONSTORE", -3, W | M, 1, -1, 1, "Stores the union of multiple sets in a key.");
        Add(t, g, "SDIFFSTORE", -3, W | M, 1, -1, 1, "Stores the difference of multiple sets in a key.");
        Add(t, g, "SSCAN", -3, R, 1, 1, 1, "Iterates over members of a set.");
    }
}
