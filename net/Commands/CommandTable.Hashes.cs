namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddHashes(List<CommandSpec> t)
    {
        const string g = "hash";
        const string All = "O(N) where N is the size of the hash.";
        Add(t, g, "HSET", -4, W | M | F, 1, 1, 1, "Creates or modifies the value of a field in a hash.", keys: "RW update",
            docs: Doc("2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", "key:key (field value)...",
                history: ["4.0.0 Accepts multiple `field` and `value` arguments."]));
        Add(t, g, "HSETNX", 4, W | M | F, 1, 1, 1, "Sets the value of a field in a hash only when the field doesn't exist.", keys: "RW insert",
            docs: Doc("2.0.0", O1, "key:key field value"));
        Add(t, g, "HMSET", -4, W | M | F, 1, 1, 1, "Sets the values of multiple fields.", keys: "RW update",
            docs: Doc("2.0.0", "O(N) where N is the number of fields being set.", "key:key (field value)...", deprecated: "4.0.0 `HSET` with multiple field-value pairs"));
        Add(t, g, "HGET", 3, R | F, 1, 1, 1, "Returns the value of a field in a hash.", keys: "RO access",
            docs: Doc("2.0.0", O1, "key:key field"));
        Add(t, g, "HMGET", -3, R | F, 1, 1, 1, "Returns the values of all fields in a hash.", keys: "RO access",
            docs: Doc("2.0.0", "O(N) where N is the number of fields being requested.", "key:key field..."));
        Add(t, g, "HDEL", -3, W | F, 1, 1, 1, "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", keys: "RW delete",
            docs: Doc("2.0.0", "O(N) where N is the number of fields to be removed.", "key:key field...", history: ["2.4.0 Accepts multiple `field` arguments."]));
        Add(t, g, "HEXISTS", 3, R | F, 1, 1, 1, "Determines whether a field exists in a hash.", keys: "RO",
            docs: Doc("2.0.0", O1, "key:key field"));
        Add(t, g, "HLEN", 2, R | F, 1, 1, 1, "Returns the number of fields in a hash.", keys: "RO",
            docs: Doc("2.0.0", O1, "key:key"));
        Add(t, g, "HSTRLEN", 3, R | F, 1, 1, 1, "Returns the length of the value of a field.", keys: "RO",
            docs: Doc("3.2.0", O1, "key:key field"));
        Add(t, g, "HKEYS", 2, R, 1, 1, 1, "Returns all fields in a hash.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("2.0.0", All, "key:key"));
        Add(t, g, "HVALS", 2, R, 1, 1, 1, "Returns all values in a hash.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("2.0.0", All, "key:key"));
        Add(t, g, "HGETALL", 2, R, 1, 1, 1, "Returns all fields and values in a hash.", keys: "RO access", tips: "nondeterministic_output_order",
            docs: Doc("2.0.0", All, "key:key"));
        Add(t, g, "HINCRBY", 4, W | M | F, 1, 1, 1, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", keys: "RW access update",
            docs: Doc("2.0.0", O1, "key:key field increment:integer"));
        Add(t, g, "HINCRBYFLOAT", 4, W | M | F, 1, 1, 1, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", keys: "RW access update",
            docs: Doc("2.6.0", O1, "key:key field increment:double"));
        Add(t, g, "HRANDFIELD", -2, R, 1, 1, 1, "Returns one or more random fields from a hash.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("6.2.0", "O(N) where N is the number of fields returned", "key:key options=[count:integer [WITHVALUES]]"));
        Add(t, g, "HSCAN", -3, R, 1, 1, 1, "Iterates over fields and values of a hash.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("2.8.0", Scan + ".", CollectionScan));
    }
}
