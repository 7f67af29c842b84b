namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddStrings(List<CommandSpec> t)
    {
        const string g = "string";
        const string Substring = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";
        Add(t, g, "GET", 2, R | F, 1, 1, 1, "Returns the string value of a key.", keys: "RO access",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "SET", -3, W | M, 1, 1, 1, "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", keys: "RW access update variable_flags # RW and ACCESS due to the optional `GET` argument",
            docs: Doc("1.0.0", O1, "key:key value [condition=[NX | XX]]{2.6.12} [GET]{6.2.0} [expiration=[EX seconds:integer{2.6.12} | PX milliseconds:integer{2.6.12} | EXAT unix-time-seconds:unix-time{6.2.0} | PXAT unix-time-milliseconds:unix-time{6.2.0} | KEEPTTL{6.0.0}]]",
                history: ["2.6.12 Added the `EX`, `PX`, `NX` and `XX` options.", "6.0.0 Added the `KEEPTTL` option.", "6.2.0 Added the `GET`, `EXAT` and `PXAT` option.", "7.0.0 Allowed the `NX` and `GET` options to be used together."]));
        Add(t, g, "SETNX", 3, W | M | F, 1, 1, 1, "Set the string value of a key only when the key doesn't exist.", keys: "OW insert",
            docs: Doc("1.0.0", O1, "key:key value"));
        Add(t, g, "SETEX", 4, W | M, 1, 1, 1, "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", keys: "OW update",
            docs: Doc("2.0.0", O1, "key:key seconds:integer value"));
        Add(t, g, "PSETEX", 4, W | M, 1, 1, 1, "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", keys: "OW update",
            docs: Doc("2.6.0", O1, "key:key milliseconds:integer value"));
        Add(t, g, "GETSET", 3, W | M | F, 1, 1, 1, "Returns the previous string value of a key after setting it to a new value.", keys: "RW access update",
            docs: Doc("1.0.0", O1, "key:key value", deprecated: "6.2.0 `SET` with the `!GET` argument"));
        Add(t, g, "GETDEL", 2, W | F, 1, 1, 1, "Returns the string value of a key after deleting the key.", keys: "RW access delete",
            docs: Doc("6.2.0", O1, "key:key"));
        Add(t, g, "GETEX", -2, W | F, 1, 1, 1, "Returns the string value of a key after setting its expiration time.", keys: "RW access update # RW and UPDATE because it changes the TTL",
            docs: Doc("6.2.0", O1, "key:key [expiration=[EX seconds:integer | PX milliseconds:integer | EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | PERSIST]]"));
        Add(t, g, "MGET", -2, R | F, 1, -1, 1, "Atomically returns the string values of one or more keys.", keys: "RO access", tips: "request_policy:multi_shard",
            docs: Doc("1.0.0", "O(N) where N is the number of keys to retrieve.", "key:key..."));
        Add(t, g, "MSET", -3, W | M, 1, -1, 2, "Atomically creates or modifies the string values of one or more keys.", keys: "OW update", tips: "request_policy:multi_shard response_policy:all_succeeded",
            docs: Doc("1.0.1", "O(N) where N is the number of keys to set.", "(key:key value)..."));
        Add(t, g, "MSETNX", -3, W | M, 1, -1, 2, "Atomically modifies the string values of one or more keys only when all keys don't exist.", keys: "OW insert", tips: "request_policy:multi_shard response_policy:agg_min",
            docs: Doc("1.0.1", "O(N) where N is the number of keys to set.", "(key:key value)..."));
        Add(t, g, "APPEND", 3, W | M | F, 1, 1, 1, "Appends a string to the value of a key. Creates the key if it doesn't exist.", keys: "RW insert",
            docs: Doc("2.0.0", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", "key:key value"));
        Add(t, g, "STRLEN", 2, R | F, 1, 1, 1, "Returns the length of a string value.", keys: "RO",
            docs: Doc("2.2.0", O1, "key:key"));
        Add(t, g, "GETRANGE", 4, R, 1, 1, 1, "Returns a substring of the string stored at a key.", keys: "RO access",
            docs: Doc("2.4.0", Substring, "key:key start:integer end:integer"));
        Add(t, g, "SUBSTR", 4, R, 1, 1, 1, "Returns a substring from a string value.", keys: "RO access",
            docs: Doc("1.0.0", Substring, "key:key start:integer end:integer", deprecated: "2.0.0 `GETRANGE`"));
        Add(t, g, "SETRANGE", 4, W | M, 1, 1, 1, "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", keys: "RW update",
            docs: Doc("2.2.0", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", "key:key offset:integer value"));
        Add(t, g, "INCR", 2, W | M | F, 1, 1, 1, "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "DECR", 2, W | M | F, 1, 1, 1, "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "INCRBY", 3, W | M | F, 1, 1, 1, "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update",
            docs: Doc("1.0.0", O1, "key:key increment:integer"));
        Add(t, g, "DECRBY", 3, W | M | F, 1, 1, 1, "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update",
            docs: Doc("1.0.0", O1, "key:key decrement:integer"));
        Add(t, g, "INCRBYFLOAT", 3, W | M | F, 1, 1, 1, "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", keys: "RW access update",
            docs: Doc("2.6.0", O1, "key:key increment:double"));
        Add(t, g, "LCS", -3, R, 1, 2, 1, "Finds the longest common substring.", keys: "RO access",
            docs: Doc("7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", "key1:key key2:key@0 [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]"));
    }
}
