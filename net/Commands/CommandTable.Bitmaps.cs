namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddBitmaps(List<CommandSpec> t)
    {
        const string g = "bitmap";
        const string Unit = "index_unit=[BYTE | BIT]{7.0.0}";
        string[] unitHistory = ["7.0.0 Added the `BYTE|BIT` option."];
        Add(t, g, "SETBIT", 4, W | M, 1, 1, 1, "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", keys: "RW access update",
            docs: Doc("2.2.0", O1, "key:key offset:integer value:integer"));
        Add(t, g, "GETBIT", 3, R | F, 1, 1, 1, "Returns a bit value by offset.", keys: "RO access",
            docs: Doc("2.2.0", O1, "key:key offset:integer"));
        Add(t, g, "BITCOUNT", -2, R, 1, 1, 1, "Counts the number of set bits (population counting) in a string.", keys: "RO access",
            docs: Doc("2.6.0", "O(N)", $"key:key index=[start:integer end:integer {Unit}]", history: unitHistory));
        Add(t, g, "BITPOS", -3, R, 1, 1, 1, "Finds the first set (1) or clear (0) bit in a string.", keys: "RO access",
            docs: Doc("2.8.7", "O(N)", $"key:key bit:integer index=[start:integer end_index=[end:integer {Unit}]]", history: unitHistory));
        Add(t, g, "BITOP", -4, W | M, 2, -1, 1, "Performs bitwise operations on multiple strings, and stores the result.", keys: "OW update i2; RO access i3 r-1,1,0",
            docs: Doc("2.6.0", "O(N)", "operation destkey:key key:key..."));
        Add(t, g, "BITFIELD", -2, W | M, 1, 1, 1, "Performs arbitrary bitfield integer operations on strings.", keys: "RW access update variable_flags # This command allows both access and modification of the key",
            docs: Doc("3.2.0", "O(1) for each subcommand specified", "key:key [operation=(GET (encoding offset:integer) | write=([OVERFLOW (WRAP | SAT | FAIL)] " +
                "write_operation=(SET (encoding offset:integer value:integer) | INCRBY (encoding offset:integer increment:integer))))]..."));
        Add(t, g, "BITFIELD_RO", -2, R | F, 1, 1, 1, "Performs arbitrary read-only bitfield integer operations on strings.", keys: "RO access",
            docs: Doc("6.0.0", "O(1) for each subcommand specified", "key:key [GET (encoding offset:integer)]..."));
    }

    private static void AddHyperLogLog(List<CommandSpec> t)
    {
        const string g = "hyperloglog";
        Add(t, g, "PFADD", -2, W | M | F, 1, 1, 1, "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", keys: "RW insert",
            docs: Doc("2.8.9", "O(1) to add every element.", "key:key [element...]"));
        Add(t, g, "PFCOUNT", -2, R, 1, -1, 1, "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", keys: "RW access # RW because it may change the internal representation of the key, and propagate to replicas",
            docs: Doc("2.8.9", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", "key:key..."));
        Add(t, g, "PFMERGE", -2, W | M, 1, -1, 1, "Merges one or more HyperLogLog values into a single key.", keys: "RW access insert i1; RO access i2 r-1,1,0",
            docs: Doc("2.8.9", "O(N) to merge N HyperLogLogs, but with high constant times.", "destkey:key sourcekey:key..."));
        Add(t, g, "PFDEBUG", 3, W | M | A, 2, 2, 1, "Internal commands for debugging HyperLogLog values.", keys: "RW access",
            docs: Doc("2.8.9", "N/A", "subcommand key:key", syscmd: true));
        Add(t, g, "PFSELFTEST", 1, A, 0, 0, 0, "An internal command for testing HyperLogLog values.",
            docs: Doc("2.8.9", "N/A", syscmd: true));
    }
}
