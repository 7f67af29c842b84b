namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddSets(List<CommandSpec> t)
    {
        const string g = "set";
        const string Inter = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
        const string Total = "O(N) where N is the total number of elements in all given sets.";
        string[] manyMembers = ["2.4.0 Accepts multiple `member` arguments."];
        Add(t, g, "SADD", -3, W | M | F, 1, 1, 1, "Adds one or more members to a set. Creates the key if it doesn't exist.", keys: "RW insert",
            docs: Doc("1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "key:key member...", history: manyMembers));
        Add(t, g, "SREM", -3, W | F, 1, 1, 1, "Removes one or more members from a set. Deletes the set if the last member was removed.", keys: "RW delete",
            docs: Doc("1.0.0", "O(N) where N is the number of members to be removed.", "key:key member...", history: manyMembers));
        Add(t, g, "SISMEMBER", 3, R | F, 1, 1, 1, "Determines whether a member belongs to a set.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key member"));
        Add(t, g, "SMISMEMBER", -3, R | F, 1, 1, 1, "Determines whether multiple members belong to a set.", keys: "RO access",
            docs: Doc("6.2.0", "O(N) where N is the number of elements being checked for membership", "key:key member..."));
        Add(t, g, "SMEMBERS", 2, R, 1, 1, 1, "Returns all members of a set.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("1.0.0", "O(N) where N is the set cardinality.", "key:key"));
        Add(t, g, "SCARD", 2, R | F, 1, 1, 1, "Returns the number of members in a set.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "SPOP", -2, W | F, 1, 1, 1, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", keys: "RW access delete", tips: "nondeterministic_output",
            docs: Doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", "key:key [count:integer]{3.2.0}", history: ["3.2.0 Added the `count` argument."]));
        Add(t, g, "SRANDMEMBER", -2, R, 1, 1, 1, "Get one or multiple random members from a set", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", "key:key [count:integer]{2.6.0}", history: ["2.6.0 Added the optional `count` argument."]));
        Add(t, g, "SMOVE", 4, W | F, 1, 2, 1, "Moves a member from one set to another.", keys: "RW access delete i1; RW insert i2",
            docs: Doc("1.0.0", O1, "source:key destination:key member"));
        Add(t, g, "SINTER", -2, R, 1, -1, 1, "Returns the intersect of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("1.0.0", Inter, "key:key..."));
        Add(t, g, "SINTERCARD", -3, R, 0, 0, 0, "Returns the number of members of the intersect of multiple sets.", numKeysAt: 1, keys: "RO access i1 n0,1,1",
            docs: Doc("7.0.0", Inter, "numkeys:integer key:key... [LIMIT limit:integer]"));
        Add(t, g, "SUNION", -2, R, 1, -1, 1, "Returns the union of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("1.0.0", Total, "key:key..."));
        Add(t, g, "SDIFF", -2, R, 1, -1, 1, "Returns the difference of multiple sets.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("1.0.0", Total, "key:key..."));
        Add(t, g, "SINTERSTORE", -3, W | M, 1, -1, 1, "Stores the intersect of multiple sets in a key.", keys: "RW update i1; RO access i2 r-1,1,0",
            docs: Doc("1.0.0", Inter, "destination:key key:key..."));
        Add(t, g, "SUNIONSTORE", -3, W | M, 1, -1, 1, "Stores the union of multiple sets in a key.", keys: "OW update i1; RO access i2 r-1,1,0",
            docs: Doc("1.0.0", Total, "destination:key key:key..."));
        Add(t, g, "SDIFFSTORE", -3, W | M, 1, -1, 1, "Stores the difference of multiple sets in a key.", keys: "OW update i1; RO access i2 r-1,1,0",
            docs: Doc("1.0.0", Total, "destination:key key:key..."));
        Add(t, g, "SSCAN", -3, R, 1, 1, 1, "Iterates over members of a set.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("2.8.0", Scan + ".", CollectionScan));
    }
}
