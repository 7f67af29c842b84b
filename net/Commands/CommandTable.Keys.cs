namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddKeys(List<CommandSpec> t)
    {
        const string g = "generic";
        Add(t, g, "DEL", -2, W, 1, -1, 1, "Deletes one or more keys.", keys: "RM delete", tips: "request_policy:multi_shard response_policy:agg_sum");
        Add(t, g, "UNLINK", -2, W | F, 1, -1, 1, "Asynchronously deletes one or more keys.", keys: "RM delete", tips: "request_policy:multi_shard response_policy:agg_sum");
        Add(t, g, "EXISTS", -2, R | F, 1, -1, 1, "Determines whether one or more keys exist.", keys: "RO", tips: "request_policy:multi_shard response_policy:agg_sum");
        Add(t, g, "TOUCH", -2, R | F, 1, -1, 1, "Returns the number of existing keys out of those specified after updating the time they were last accessed.", keys: "RO", tips: "request_policy:multi_shard response_policy:agg_sum");
        Add(t, g, "TYPE", 2, R | F, 1, 1, 1, "Determines the type of value stored at a key.", keys: "RO");
        Add(t, g, "EXPIRE", -3, W | F, 1, 1, 1, "Sets the expiration time of a key in seconds.", keys: "RW update");
        Add(t, g, "PEXPIRE", -3, W | F, 1, 1, 1, "Sets the expiration time of a key in milliseconds.", keys: "RW update");
        Add(t, g, "EXPIREAT", -3, W | F, 1, 1, 1, "Sets the expiration time of a key to a Unix timestamp.", keys: "RW update");
        Add(t, g, "PEXPIREAT", -3, W | F, 1, 1, 1, "Sets the expiration time of a key to a Unix milliseconds timestamp.", keys: "RW update");
        Add(t, g, "TTL", 2, R | F, 1, 1, 1, "Returns the expiration time in seconds of a key.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "PTTL", 2, R | F, 1, 1, 1, "Returns the expiration time in milliseconds of a key.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "EXPIRETIME", 2, R | F, 1, 1, 1, "Returns the expiration time of a key as a Unix timestamp.", keys: "RO access");
        Add(t, g, "PEXPIRETIME", 2, R | F, 1, 1, 1, "Returns the expiration time of a key as a Unix milliseconds timestamp.", keys: "RO access");
        Add(t, g, "PERSIST", 2, W | F, 1, 1, 1, "Removes the expiration time of a key.", keys: "RW update");
        Add(t, g, "RENAME", 3, W, 1, 2, 1, "Renames a key and overwrites the destination.", keys: "RW access delete i1; OW update i2");
        Add(t, g, "RENAMENX", 3, W | F, 1, 2, 1, "Renames a key only when the target key name doesn't exist.", keys: "RW access delete i1; OW insert i2");
        Add(t, g, "COPY", -3, W | M, 1, 2, 1, "Copies the value of a key to a new key.", keys: "RO access i1; OW update i2");
        Add(t, g, "KEYS", 2, R, 0, 0, 0, "Returns all key names that match a pattern.", tips: "request_policy:all_shards nondeterministic_output_order");
        Add(t, g, "SCAN", -2, R, 0, 0, 0, "Iterates over the key names in the database.", tips: "nondeterministic_output request_policy:special");
        Add(t, g, "RANDOMKEY", 1, R, 0, 0, 0, "Returns a random key name from the database.", tips: "request_policy:all_shards nondeterministic_output");
        Add(t, g, "DUMP", 2, R, 1, 1, 1, "Returns a serialized representation of the value stored at a key.", keys: "RO access", tips: "nondeterministic_output");
        Add(t, g, "RESTORE", -4, W | M, 1, 1, 1, "Creates a key from the serialized representation of a value.", keys: "OW update");
        // The key at 3 is "" when KEYS names them; the options before KEYS (AUTH passwords) are not keys.
        t.Add(new CommandSpec("MIGRATE", -6, W, 3, 3, 1, g, "Atomically transfers a key from one Redis instance to another.")
        { KeywordRestKeys = "KEYS", KeywordKeyFrom = 6, Keys = "RW access delete i3; RW access delete incomplete kKEYS,-2 r-1,1,0", Tips = ["nondeterministic_output"] });
        Add(t, g, "OBJECT", -2, R, 2, 2, 1, "A container for object introspection commands (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP).", keys: "RO i2");
    }
}
