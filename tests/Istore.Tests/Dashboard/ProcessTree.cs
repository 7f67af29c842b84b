namespace Istore.Tests.Dashboard;

/// <summary>The processes under a process we started, so cleanup can kill exactly those by PID.</summary>
public static class ProcessTree
{
    /// <summary>Every process whose parent chain leads to <paramref name="pid"/>, children before their parent (from /proc/*/stat).</summary>
    public static List<int> Descendants(int pid)
    {
        var childrenOf = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int child))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
                int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (!childrenOf.TryGetValue(parent, out var children))
                    childrenOf[parent] = children = [];
                children.Add(child);
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
        }
        var all = new List<int>();
        void Walk(int parent)
        {
            foreach (var child in childrenOf.GetValueOrDefault(parent) ?? [])
            {
                Walk(child);
                all.Add(child);
            }
        }
        Walk(pid);
        return all;
    }
}
