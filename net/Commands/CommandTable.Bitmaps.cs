namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddBitmaps(List<CommandSpec> t)
    {
        const string g = "bitmap";
        Add(t, g, "SETBIT", 4, W | M, 1, 1, 1, "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", keys: "RW access update");
        Add(t, g, "GETBIT", 3, R | F, 1, 1, 1, "Returns a bit value by offset.", keys: "RO access");
        Add(t, g, "BITCOUNT", -2, R, 1, 1, 1, "Counts the number of set bits (population counting) in a string.", keys: "RO access");
        Add(t, g, "BITPOS", -3, R, 1, 1, 1, "Finds the first set (1) or clear (0) bit in a string.", keys: "RO access");
        Add(t, g, "BITOP", -4, W | M, 2, -1, 1, "Performs bitwise operations on multiple strings, and stores the result.", keys: "OW update i2; RO access i3 r-1,1,0");
        Add(t, g, "BITFIELD", -2, W | M, 1, 1, 1, "Performs arbitrary bitfield integer operations on strings.", keys: "RW access update variable_flags # This command allows both access and modification of the key");
        Add(t, g, "BITFIELD_RO", -2, R | F, 1, 1, 1, "Performs arbitrary read-only bitfield integer operations on strings.", keys: "RO access");
    }

    private static void AddHyperLogLog(List<CommandSpec> t)
    {
        const string g = "hyperloglog";
        Add(t, g, "PFADD", -2, W | M | F, 1, 1, 1, "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", keys: "RW insert");
        Add(t, g, "PFCOUNT", -2, R, 1, -1, 1, "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", keys: "RW access # RW because it may change the internal representation of the key, and propagate to replicas");
        Add(t, g, "PFMERGE", -2, W | M, 1, -1, 1, "Merges one or more HyperLogLog values into a single key.", keys: "RW access insert i1; RO access i2 r-1,1,0");
        Add(t, g, "PFDEBUG", 3, W | M | A, 2, 2, 1, "Internal commands for debugging HyperLogLog values.", keys: "RW access");
        Add(t, g, "PFSELFTEST", 1, A, 0, 0, 0, "An internal command for testing HyperLogLog values.");
    }
}
