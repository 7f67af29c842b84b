namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddHashes(List<CommandSpec> t)
    {
        const string g = "hash";
        Add(t, g, "HSET", -4, W | M | F, 1, 1, 1, "Creates or modifies the value of a field in a hash.", keys: "RW update");
        Add(t, g, "HSETNX", 4, W | M | F, 1, 1, 1, "Sets the value of a field in a hash only when the field doesn't exist.", keys: "RW insert");
        Add(t, g, "HMSET", -4, W | M | F, 1, 1, 1, "Sets the values of multiple fields.", keys: "RW update");
        Add(t, g, "HGET", 3, R | F, 1, 1, 1, "Returns the value of a field in a hash.", keys: "RO access");
        Add(t, g, "HMGET", -3, R | F, 1, 1, 1, "Returns the values of all fields in a hash.", keys: "RO access");
        Add(t, g, "HDEL", -3, W | F, 1, 1, 1, "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", keys: "RW delete");
        Add(t, g, "HEXISTS", 3, R | F, 1, 1, 1, "Determines whether a field exists in a hash.", keys: "RO");
        Add(t, g, "HLEN", 2, R | F, 1, 1, 1, "Returns the number of fields in a hash.", keys: "RO");
        Add(t, g, "HSTRLEN", 3, R | F, 1, 1, 1, "Returns the length of the value of a field.", keys: "RO");
        Add(t, g, "HKEYS", 2, R, 1, 1, 1, "Returns all fields in a hash.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "HVALS", 2, R, 1, 1, 1, "Returns all values in a hash.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "HGETALL", 2, R, 1, 1, 1, "Returns all fields and values in a hash.", keys: "RO access", tips: "nondeterministic_output_order");
        Add(t, g, "HINCRBY", 4, W | M | F, 1, 1, 1, "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", keys: "RW access update");
        Add(t, g, "HINCRBYFLOAT", 4, W | M | F, 1, 1, 1, "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", keys: "RW access update");
        Add(t, g, "HRANDFIELD", -2, R, 1, 1, 1, "Returns one or more random fields from a hash.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "HSCAN", -3, R, 1, 1, 1, "Iterates over fields and values of a hash.", keys: "RO access", tips: "nondeterministic_output");
    }
}
