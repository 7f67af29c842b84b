namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSets(List<CommandSpec> t)
    {
        const string g = "set";
        Add(t, g, "SADD", -3, W | M | F, 1, 1, 1, "Adds one or more members to a set. Creates the key if it doesn't exist.", keys: "RW insert");
        Add(t, g, "SREM", -3, W | F, 1, 1, 1, "Removes one or more members from a set. Deletes the set if the last member was removed.", keys: "RW delete");
        Add(t, g, "SISMEMBER", 3, R | F, 1, 1, 1, "Determines whether a member belongs to a set.", keys: "RO");
        Add(t, g, "SMISMEMBER", -3, R | F, 1, 1, 1, "Determines whether multiple members belong to a set.", keys: "RO access");
        Add(t, g, "SMEMBERS", 2, R, 1, 1, 1, "Returns all members of a set.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "SCARD", 2, R | F, 1, 1, 1, "Returns the number of members in a set.", keys: "RO");
        Add(t, g, "SPOP", -2, W | F, 1, 1, 1, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", keys: "RW access delete", tips: "nondeterministic_output");
        Add(t, g, "SRANDMEMBER", -2, R, 1, 1, 1, "Get one or multiple random members from a set", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "SMOVE", 4, W | F, 1, 2, 1, "Moves a member from one set to another.", keys: "RW access delete i1; RW insert i2");
        Add(t, g, "SINTER", -2, R, 1, -1, 1, "Returns the intersect of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "SINTERCARD", -3, R, 0, 0, 0, "Returns the number of members of the intersect of multiple sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1");
        Add(t, g, "SUNION", -2, R, 1, -1, 1, "Returns the union of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "SDIFF", -2, R, 1, -1, 1, "Returns the difference of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "SINTERSTORE", -3, W | M, 1, -1, 1, "Stores the intersect of multiple sets in a key.", keys: "RW update i1; RO access i2 r-1,1,0");
        Add(t, g, "SUNIONSTORE", -3, W | M, 1, -1, 1, "Stores the union of multiple sets in a key.", keys: "OW update i1; RO access i2 r-1,1,0");
        Add(t, g, "SDIFFSTORE", -3, W | M, 1, -1, 1, "Stores the difference of multiple sets in a key.", keys: "OW update i1; RO access i2 r-1,1,0");
        Add(t, g, "SSCAN", -3, R, 1, 1, 1, "Iterates over members of a set.", keys: "RO access", tips: "nondeterministic_output");
    }
}
