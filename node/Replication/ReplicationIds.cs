using System.Security.Cryptography;

namespace Istore.Node.Replication;

/// <summary>
/// The replication history this node's data belongs to, as Redis's PSYNC2 names it: the current
/// id, and the previous one with the offset up to which this node shares it
/// (<c>second_repl_offset</c>, Redis's convention: one past the last shared byte). Kept in
/// <c>dir/replication</c>, replaced atomically whenever it changes; the offset itself lives with
/// the data (checkpoint cookie plus log, or the disk engine's counts record).
/// </summary>
public sealed record ReplicationIds(string ReplId, string ReplId2, long SecondOffset, bool WasReplica)
{
    public const string NoId = "0000000000000000000000000000000000000000";

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>
    /// The ids to start with. A node that was a replica keeps its master's id, so it continues
    /// incrementally from the offset its data is at. A node that was a master starts a new history
    /// and keeps the old one as its second id up to that offset: its own replicas that are not
    /// ahead of it (a crash can lose the log's last second) continue; any that are ahead resync.
    /// </summary>
    public static ReplicationIds Load(string path, long recoveredOffset)
    {
        var saved = Read(path);
        if (saved is null || saved.ReplId == NoId)
            return new ReplicationIds(NewId(), NoId, -1, false);
        return saved.WasReplica ? saved : new ReplicationIds(NewId(), saved.ReplId, recoveredOffset + 1, false);
    }

    public static ReplicationIds? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 4 || !long.TryParse(lines[2], out long second))
            return null;
        return new ReplicationIds(lines[0], lines[1], second, lines[3] == "replica");
    }

    public void Save(string path)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes($"{ReplId}\n{ReplId2}\n{SecondOffset}\n{(WasReplica ? "replica" : "master")}\n"));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
