using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>MEMORY USAGE|STATS|DOCTOR|MALLOC-STATS|PURGE|HELP: the managed heap and the engine's own figures.</summary>
internal static class MemoryCommand
{
    /// <summary>What a key costs besides its bytes: the record header and index entry (an estimate, as Redis's is; maxmemory counts the same).</summary>
    private const int KeyOverhead = Engine.Memory.MemoryEngine.KeyOverhead;

    private static readonly string[] Help =
    [
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    ];

    public static void Execute(CommandContext c)
    {
        if (c.ArgIs(1, "HELP"u8))
            HelpReply.Write(c, "memory", Help);
        else if (c.ArgIs(1, "USAGE"u8) && c.Count >= 3)
            Usage(c);
        else if (c.ArgIs(1, "STATS"u8) && c.Count == 2)
            Stats(c);
        else if (c.ArgIs(1, "DOCTOR"u8) && c.Count == 2)
            c.Output.WriteVerbatimText(GC.GetTotalMemory(false) < 5 * 1024 * 1024
                ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting."
                : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
        else if (c.ArgIs(1, "MALLOC-STATS"u8) && c.Count == 2)
            c.Output.WriteVerbatimText("Stats not supported for the current allocator");
        else if (c.ArgIs(1, "PURGE"u8) && c.Count == 2)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            c.Output.WriteOk();
        }
        else if (c.ArgIs(1, "USAGE"u8) || c.ArgIs(1, "STATS"u8) || c.ArgIs(1, "DOCTOR"u8) || c.ArgIs(1, "MALLOC-STATS"u8) || c.ArgIs(1, "PURGE"u8))
            c.Output.WriteError(CommandErrors.WrongArgs("memory|" + c.ArgString(1)));
        else
            c.Output.WriteError(CommandErrors.UnknownSubcommand("memory", c.ArgString(1)));
    }

    /// <summary>MEMORY USAGE key [SAMPLES n]: the key, its value as the snapshot stores it, and a fixed overhead; null when missing.</summary>
    private static void Usage(CommandContext c)
    {
        for (int i = 3; i < c.Count; i += 2)
        {
            if (!c.ArgIs(i, "SAMPLES"u8) || i + 1 >= c.Count)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
            if (!c.TryInt64(i + 1, out long samples))
                return;
            if (samples < 0)
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        long? bytes = ValueBytes(c, c.Arg(2));
        if (bytes is null) c.Output.WriteNull();
        else c.Output.WriteInteger(KeyOverhead + c.Arg(2).Length + bytes.Value);
    }

    /// <summary>The value's size as the snapshot would write it; null when the key is missing.</summary>
    public static long? ValueBytes(CommandContext c, ReadOnlySpan<byte> key)
    {
        using var read = c.Keyspace.Lock();
        var type = c.Keyspace.ReadObject(key, out var value);
        if (type == KeyType.None)
            return null;
        if (value is null)
        {
            c.Keyspace.ReadLive(key);
            return c.Keyspace.Value.Span.Length;
        }
        return SerializedBytes(value);
    }

    /// <summary>A collection's size as the snapshot would write it.</summary>
    public static long SerializedBytes(StoredObject value)
    {
        long size = 0;
        var writer = new SnapshotWriter(chunk => size += chunk.Length);
        value.WriteTo(writer);
        writer.Flush();
        return size;
    }

    private static void Stats(CommandContext c)
    {
        long managed = GC.GetTotalMemory(false);
        var info = GC.GetGCMemoryInfo();
        long keys = c.Keyspace.EstimatedKeyCount;
        var fields = new List<(string, long)>
        {
            ("peak.allocated", Math.Max(info.HeapSizeBytes, managed)),
            ("total.allocated", managed),
            ("startup.allocated", 0),
            ("replication.backlog", c.Node.Options.Replication.BacklogBytes),
            ("clients.slaves", 0),
            ("clients.normal", c.Node.Host.ConnectionCount * 16384L),
            ("aof.buffer", 0),
            ("keys.count", keys),
            ("dataset.bytes", managed),
            ("fragmentation.bytes", Math.Max(0, info.HeapSizeBytes - managed)),
        };
        c.Output.WriteMapHeader(fields.Count + 1);
        foreach (var (name, value) in fields)
        {
            c.Output.WriteBulkString(name);
            c.Output.WriteInteger(value);
        }
        c.Output.WriteBulkString("db.0"u8);
        c.Output.WriteMapHeader(2);
        c.Output.WriteBulkString("overhead.hashtable.main"u8);
        c.Output.WriteInteger(keys * KeyOverhead);
        c.Output.WriteBulkString("overhead.hashtable.expires"u8);
        c.Output.WriteInteger(c.Keyspace.VolatileKeyCount * 16);
    }
}
