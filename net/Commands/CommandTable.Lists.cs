namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddLists(List<CommandSpec> t)
    {
        const string g = "list";
        const string Push = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
        const string Pop = "O(N) where N is the number of elements returned";
        const string PopMany = "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
        const string Ends = "wherefrom=(LEFT | RIGHT) whereto=(LEFT | RIGHT)";
        string[] manyElements = ["2.4.0 Accepts multiple `element` arguments."], manyElementsX = ["4.0.0 Accepts multiple `element` arguments."];
        string[] popCount = ["6.2.0 Added the `count` argument."];
        Add(t, g, "LPUSH", -3, W | M | F, 1, 1, 1, "Prepends one or more elements to a list. Creates the key if it doesn't exist.", keys: "RW insert",
            docs: Doc("1.0.0", Push, "key:key element...", history: manyElements));
        Add(t, g, "RPUSH", -3, W | M | F, 1, 1, 1, "Appends one or more elements to a list. Creates the key if it doesn't exist.", keys: "RW insert",
            docs: Doc("1.0.0", Push, "key:key element...", history: manyElements));
        Add(t, g, "LPUSHX", -3, W | M | F, 1, 1, 1, "Prepends one or more elements to a list only when the list exists.", keys: "RW insert",
            docs: Doc("2.2.0", Push, "key:key element...", history: manyElementsX));
        Add(t, g, "RPUSHX", -3, W | M | F, 1, 1, 1, "Appends an element to a list only when the list exists.", keys: "RW insert",
            docs: Doc("2.2.0", Push, "key:key element...", history: manyElementsX));
        Add(t, g, "LPOP", -2, W | F, 1, 1, 1, "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", keys: "RW access delete",
            docs: Doc("1.0.0", Pop, "key:key [count:integer]{6.2.0}", history: popCount));
        Add(t, g, "RPOP", -2, W | F, 1, 1, 1, "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", keys: "RW access delete",
            docs: Doc("1.0.0", Pop, "key:key [count:integer]{6.2.0}", history: popCount));
        Add(t, g, "LLEN", 2, R | F, 1, 1, 1, "Returns the length of a list.", keys: "RO",
            docs: Doc("1.0.0", O1, "key:key"));
        Add(t, g, "LINDEX", 3, R, 1, 1, 1, "Returns an element from a list by its index.", keys: "RO access",
            docs: Doc("1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", "key:key index:integer"));
        Add(t, g, "LINSERT", 5, W | M, 1, 1, 1, "Inserts an element before or after another element in a list.", keys: "RW insert",
            docs: Doc("2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
                "key:key where=(BEFORE | AFTER) pivot element"));
        Add(t, g, "LSET", 4, W | M, 1, 1, 1, "Sets the value of an element in a list by its index.", keys: "RW update",
            docs: Doc("1.0.0", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", "key:key index:integer element"));
        Add(t, g, "LRANGE", 4, R, 1, 1, 1, "Returns a range of elements from a list.", keys: "RO access",
            docs: Doc("1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", "key:key start:integer stop:integer"));
        Add(t, g, "LREM", 4, W, 1, 1, 1, "Removes elements from a list. Deletes the list if the last element was removed.", keys: "RW delete",
            docs: Doc("1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", "key:key count:integer element"));
        Add(t, g, "LTRIM", 4, W, 1, 1, 1, "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", keys: "RW delete",
            docs: Doc("1.0.0", "O(N) where N is the number of elements to be removed by the operation.", "key:key start:integer stop:integer"));
        Add(t, g, "LPOS", -3, R, 1, 1, 1, "Returns the index of matching elements in a list.", keys: "RO access",
            docs: Doc("6.0.6", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
                "key:key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]"));
        Add(t, g, "LMOVE", 5, W | M, 1, 2, 1, "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", keys: "RW access delete i1; RW insert i2",
            docs: Doc("6.2.0", O1, $"source:key destination:key {Ends}"));
        Add(t, g, "RPOPLPUSH", 3, W | M, 1, 2, 1, "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", keys: "RW access delete i1; RW insert i2",
            docs: Doc("1.2.0", O1, "source:key destination:key", deprecated: "6.2.0 `LMOVE` with the `RIGHT` and `LEFT` arguments"));
        Add(t, g, "LMPOP", -4, W, 0, 0, 0, "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", numKeysAt: 1, keys: "RW access delete i1 n0,1,1",
            docs: Doc("7.0.0", PopMany, "numkeys:integer key:key... where=(LEFT | RIGHT) [COUNT count:integer]"));
        Add(t, g, "BLPOP", -3, W | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete",
            docs: Doc("2.0.0", "O(N) where N is the number of provided keys.", "key:key... timeout:double", history: [DoubleTimeout]));
        Add(t, g, "BRPOP", -3, W | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete",
            docs: Doc("2.0.0", "O(N) where N is the number of provided keys.", "key:key... timeout:double", history: [DoubleTimeout]));
        Add(t, g, "BLMOVE", 6, W | M | B | CommandFlags.NoScript, 1, 2, 1, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", keys: "RW access delete i1; RW insert i2",
            docs: Doc("6.2.0", O1, $"source:key destination:key {Ends} timeout:double"));
        Add(t, g, "BRPOPLPUSH", 4, W | M | B | CommandFlags.NoScript, 1, 2, 1, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete i1; RW insert i2",
            docs: Doc("2.2.0", O1, "source:key destination:key timeout:double", history: [DoubleTimeout], deprecated: "6.2.0 `BLMOVE` with the `RIGHT` and `LEFT` arguments"));
        Add(t, g, "BLMPOP", -5, W | B, 0, 0, 0, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", numKeysAt: 2, keys: "RW access delete i2 n0,1,1",
            docs: Doc("7.0.0", PopMany, "timeout:double numkeys:integer key:key... where=(LEFT | RIGHT) [COUNT count:integer]"));
    }
}
