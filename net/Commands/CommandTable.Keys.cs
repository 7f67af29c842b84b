namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddKeys(List<CommandSpec> t)
    {
        const string g = "generic";
        const string Condition = "condition=[NX | XX | GT | LT]{7.0.0}";
        string[] conditionHistory = ["7.0.0 Added options: `NX`, `XX`, `GT` and `LT`."];
        string[] minusTwo = ["2.8.0 Added the -2 reply."];
        Add(t, g, "DEL", -2, W, 1, -1, 1, "Deletes one or more keys.", keys: "RM delete", tips: "request_policy:multi_shard response_policy:agg_sum",
            docs: Doc("1.0.0", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", "key:key..."));
        Add(t, g, "UNLINK", -2, W | F, 1, -1, 1, "Asynchronously deletes one or more keys.", keys: "RM delete", tips: "request_policy:multi_shard response_policy:agg_sum",
            docs: Doc("4.0.0", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", "key:key..."));
        Add(t, g, "EXISTS", -2, R | F, 1, -1, 1, "Determines whether one or more keys exist.", keys: "RO", tips: "request_policy:multi_shard response_policy:agg_sum",
            docs: Doc("1.0.0", "O(N) where N is the number of keys to check.", "key:key...", history: ["3.0.3 Accepts multiple `key` arguments."]));
        Add(t, g, "TOUCH", -2, R | F, 1, -1, 1, "Returns the number of existing keys out of those specified after updating the time they were last accessed.", keys: "RO", tips: "request_policy:multi_shard response_policy:agg_sum",
            docs: Doc("3.2.1", "O(N) where N is the number of keys that will be touched.", "key:key..."));
        Add(t, g, "TYPE", 2, R | F, 1, 1, 1, "Determines the type of value stored at a key.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "EXPIRE", -3, W | F, 1, 1, 1, "Sets the expiration time of a key in seconds.", keys: "RW update",
            docs: Doc("1.0.0", O1, $"key:key seconds:integer {Condition}", history: conditionHistory));
        Add(t, g, "PEXPIRE", -3, W | F, 1, 1, 1, "Sets the expiration time of a key in milliseconds.", keys: "RW update",
            docs: Doc("2.6.0", O1, $"key:key milliseconds:integer {Condition}", history: conditionHistory));
        Add(t, g, "EXPIREAT", -3, W | F, 1, 1, 1, "Sets the expiration time of a key to a Unix timestamp.", keys: "RW update",
            docs: Doc("1.2.0", O1, $"key:key unix-time-seconds:unix-time {Condition}", history: conditionHistory));
        Add(t, g, "PEXPIREAT", -3, W | F, 1, 1, 1, "Sets the expiration time of a key to a Unix milliseconds timestamp.", keys: "RW update",
            docs: Doc("2.6.0", O1, $"key:key unix-time-milliseconds:unix-time {Condition}", history: conditionHistory));
        Add(t, g, "TTL", 2, R | F, 1, 1, 1, "Returns the expiration time in seconds of a key.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("1.0.0", O1, "key:key", history: minusTwo));
        Add(t, g, "PTTL", 2, R | F, 1, 1, 1, "Returns the expiration time in milliseconds of a key.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("2.6.0", O1, "key:key", history: minusTwo));
        Add(t, g, "EXPIRETIME", 2, R | F, 1, 1, 1, "Returns the expiration time of a key as a Unix timestamp.", keys: "RO access",
            docs: Doc("7.0.0", O1, "key:key"));
        Add(t, g, "PEXPIRETIME", 2, R | F, 1, 1, 1, "Returns the expiration time of a key as a Unix milliseconds timestamp.", keys: "RO access",
            docs: Doc("7.0.0", O1, "key:key"));
        Add(t, g, "PERSIST", 2, W | F, 1, 1, 1, "Removes the expiration time of a key.", keys: "RW update",
            docs: Doc("2.2.0", O1, "key:key"));
        Add(t, g, "RENAME", 3, W, 1, 2, 1, "Renames a key and overwrites the destination.", keys: "RW access delete i1; OW update i2",
            docs: Doc("1.0.0", O1, "key:key newkey:key"));
        Add(t, g, "RENAMENX", 3, W | F, 1, 2, 1, "Renames a key only when the target key name doesn't exist.", keys: "RW access delete i1; OW insert i2",
            docs: Doc("1.0.0", O1, "key:key newkey:key", history: ["3.2.0 The command no longer returns an error when source and destination names are the same."]));
        Add(t, g, "COPY", -3, W | M, 1, 2, 1, "Copies the value of a key to a new key.", keys: "RO access i1; OW update i2",
            docs: Doc("6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "source:key destination:key [DB destination-db:integer] [REPLACE]"));
        Add(t, g, "KEYS", 2, R, 0, 0, 0, "Returns all key names that match a pattern.", tips: "request_policy:all_shards nondeterministic_output_order",
            docs: Doc("1.0.0", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", "pattern:pattern"));
        Add(t, g, "SCAN", -2, R, 0, 0, 0, "Iterates over the key names in the database.", tips: "nondeterministic_output request_policy:special",
            docs: Doc("2.8.0", Scan,
                "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]{6.0.0}", history: ["6.0.0 Added the `TYPE` subcommand."]));
        Add(t, g, "RANDOMKEY", 1, R, 0, 0, 0, "Returns a random key name from the database.", tips: "request_policy:all_shards nondeterministic_output",
            docs: Doc("1.0.0", O1));
        Add(t, g, "DUMP", 2, R, 1, 1, 1, "Returns a serialized representation of the value stored at a key.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("2.6.0", "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).", "key:key"));
        Add(t, g, "RESTORE", -4, W | M, 1, 1, 1, "Creates a key from the serialized representation of a value.", keys: "OW update",
            docs: Doc("2.6.0", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
                "key:key ttl:integer serialized-value [REPLACE]{3.0.0} [ABSTTL]{5.0.0} [IDLETIME seconds:integer]{5.0.0} [FREQ frequency:integer]{5.0.0}",
                history: ["3.0.0 Added the `REPLACE` modifier.", "5.0.0 Added the `ABSTTL` modifier.", "5.0.0 Added the `IDLETIME` and `FREQ` options."]));
        // The key at 3 is "" when KEYS names them; the options before KEYS (AUTH passwords) are not keys.
        t.Add(new CommandSpec("MIGRATE", -6, W, 3, 3, 1, g, "Atomically transfers a key from one Redis instance to another.")
        {
            KeywordRestKeys = "KEYS", KeywordKeyFrom = 6, Keys = "RW access delete i3; RW access delete incomplete kKEYS,-2 r-1,1,0", Tips = ["nondeterministic_output"],
            Docs = Doc("2.6.0", "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
                "host port:integer key_or_empty_string=(key:key | empty_string=\"\") destination-db:integer timeout:integer [COPY]{3.0.0} [REPLACE]{3.0.0} " +
                "authentication=[[AUTH password]{4.0.7} | [AUTH2 (username password)]{6.0.0}] [KEYS key:key...]{3.0.6}",
                history: ["3.0.0 Added the `COPY` and `REPLACE` options.", "3.0.6 Added the `KEYS` option.", "4.0.7 Added the `AUTH` option.", "6.0.0 Added the `AUTH2` option."]),
        });
        Add(t, g, "OBJECT", -2, R, 2, 2, 1, "A container for object introspection commands (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP).", keys: "RO i2",
            docs: Doc("2.2.3", BySubcommand));
    }
}
