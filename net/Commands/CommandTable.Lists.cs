namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddLists(List<CommandSpec> t)
    {
        const string g = "list";
        Add(t, g, "LPUSH", -3, W | M | F, 1, 1, 1, "Prepends one or more elements to a list. Creates the key if it doesn't exist.", keys: "RW insert");
        Add(t, g, "RPUSH", -3, W | M | F, 1, 1, 1, "Appends one or more elements to a list. Creates the key if it doesn't exist.", keys: "RW insert");
        Add(t, g, "LPUSHX", -3, W | M | F, 1, 1, 1, "Prepends one or more elements to a list only when the list exists.", keys: "RW insert");
        Add(t, g, "RPUSHX", -3, W | M | F, 1, 1, 1, "Appends an element to a list only when the list exists.", keys: "RW insert");
        Add(t, g, "LPOP", -2, W | F, 1, 1, 1, "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", keys: "RW access delete");
        Add(t, g, "RPOP", -2, W | F, 1, 1, 1, "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", keys: "RW access delete");
        Add(t, g, "LLEN", 2, R | F, 1, 1, 1, "Returns the length of a list.", keys: "RO");
        Add(t, g, "LINDEX", 3, R, 1, 1, 1, "Returns an element from a list by its index.", keys: "RO access");
        Add(t, g, "LINSERT", 5, W | M, 1, 1, 1, "Inserts an element before or after another element in a list.", keys: "RW insert");
        Add(t, g, "LSET", 4, W | M, 1, 1, 1, "Sets the value of an element in a list by its index.", keys: "RW update");
        Add(t, g, "LRANGE", 4, R, 1, 1, 1, "Returns a range of elements from a list.", keys: "RO access");
        Add(t, g, "LREM", 4, W, 1, 1, 1, "Removes elements from a list. Deletes the list if the last element was removed.", keys: "RW delete");
        Add(t, g, "LTRIM", 4, W, 1, 1, 1, "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", keys: "RW delete");
        Add(t, g, "LPOS", -3, R, 1, 1, 1, "Returns the index of matching elements in a list.", keys: "RO access");
        Add(t, g, "LMOVE", 5, W | M, 1, 2, 1, "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", keys: "RW access delete i1; RW insert i2");
        Add(t, g, "RPOPLPUSH", 3, W | M, 1, 2, 1, "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", keys: "RW access delete i1; RW insert i2");
        Add(t, g, "LMPOP", -4, W, 0, 0, 0, "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", numKeysAt: 1, keys: "RW access delete i1 n0,1,1");
        Add(t, g, "BLPOP", -3, W | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete");
        Add(t, g, "BRPOP", -3, W | B | CommandFlags.NoScript, 1, -2, 1, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete");
        Add(t, g, "BLMOVE", 6, W | M | B | CommandFlags.NoScript, 1, 2, 1, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", keys: "RW access delete i1; RW insert i2");
        Add(t, g, "BRPOPLPUSH", 4, W | M | B | CommandFlags.NoScript, 1, 2, 1, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", keys: "RW access delete i1; RW insert i2");
        Add(t, g, "BLMPOP", -5, W | B, 0, 0, 0, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", numKeysAt: 2, keys: "RW access delete i2 n0,1,1");
    }
}
