namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddStrings(List<CommandSpec> t)
    {
        const string g = "string";
        Add(t, g, "GET", 2, R | F, 1, 1, 1, "Returns the string value of a key.", keys: "RO access");
        Add(t, g, "SET", -3, W | M, 1, 1, 1, "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", keys: "RW access update variable_flags # RW and ACCESS due to the optional `GET` argument");
        Add(t, g, "SETNX", 3, W | M | F, 1, 1, 1, "Set the string value of a key only when the key doesn't exist.", keys: "OW insert");
        Add(t, g, "SETEX", 4, W | M, 1, 1, 1, "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", keys: "OW update");
        Add(t, g, "PSETEX", 4, W | M, 1, 1, 1, "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", keys: "OW update");
        Add(t, g, "GETSET", 3, W | M | F, 1, 1, 1, "Returns the previous string value of a key after setting it to a new value.", keys: "RW access update");
        Add(t, g, "GETDEL", 2, W | F, 1, 1, 1, "Returns the string value of a key after deleting the key.", keys: "RW access delete");
        Add(t, g, "GETEX", -2, W | F, 1, 1, 1, "Returns the string value of a key after setting its expiration time.", keys: "RW access update # RW and UPDATE because it changes the TTL");
        Add(t, g, "MGET", -2, R | F, 1, -1, 1, "Atomically returns the string values of one or more keys.", keys: "RO access", tips: "request_policy:multi_shard");
        Add(t, g, "MSET", -3, W | M, 1, -1, 2, "Atomically creates or modifies the string values of one or more keys.", keys: "OW update", tips: "request_policy:multi_shard response_policy:all_succeeded");
        Add(t, g, "MSETNX", -3, W | M, 1, -1, 2, "Atomically modifies the string values of one or more keys only when all keys don't exist.", keys: "OW insert", tips: "request_policy:multi_shard response_policy:agg_min");
        Add(t, g, "APPEND", 3, W | M | F, 1, 1, 1, "Appends a string to the value of a key. Creates the key if it doesn't exist.", keys: "RW insert");
        Add(t, g, "STRLEN", 2, R | F, 1, 1, 1, "Returns the length of a string value.", keys: "RO");
        Add(t, g, "GETRANGE", 4, R, 1, 1, 1, "Returns a substring of the string stored at a key.", keys: "RO access");
        Add(t, g, "SUBSTR", 4, R, 1, 1, 1, "Returns a substring from a string value.", keys: "RO access");
        Add(t, g, "SETRANGE", 4, W | M, 1, 1, 1, "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", keys: "RW update");
        Add(t, g, "INCR", 2, W | M | F, 1, 1, 1, "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update");
        Add(t, g, "DECR", 2, W | M | F, 1, 1, 1, "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update");
        Add(t, g, "INCRBY", 3, W | M | F, 1, 1, 1, "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update");
        Add(t, g, "DECRBY", 3, W | M | F, 1, 1, 1, "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update");
        Add(t, g, "INCRBYFLOAT", 3, W | M | F, 1, 1, 1, "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update");
        Add(t, g, "LCS", -3, R, 1, 2, 1, "Finds the longest common substring.", keys: "RO access");
    }
}
