using Istore.Node.Keyspace;

namespace Istore.Node.Commands;

/// <summary>Server administration: DBSIZE, FLUSH*, persistence (SAVE, BGSAVE, LASTSAVE), SHUTDOWN, TIME, CONFIG; INFO and COMMAND have their own files.</summary>
public static class ServerCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("INFO", InfoCommand.Execute);
        t.Add("COMMAND", c => CommandCommand.Execute(c.Output, c.Args, CommandCatalog.Everything));
        t.Add("CONFIG", Config);
        t.Add("TIME", Time);
        t.Add("DBSIZE", DbSize);
        t.Add("FLUSHDB", Flush);
        t.Add("FLUSHALL", Flush);
        t.Add("LASTSAVE", c => c.Output.WriteInteger(c.Node.Checkpointer.LastSaveUnixSeconds));
        t.Add("SAVE", Save);
        t.Add("BGSAVE", BgSave);
        t.Add("BGREWRITEAOF", BgRewriteAof);
        t.Add("SHUTDOWN", Shutdown);
    }

    private static void Time(CommandContext c)
    {
        long micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        c.Output.WriteArrayHeader(2);
        c.Output.WriteBulkString(micros / 1_000_000);
        c.Output.WriteBulkString(micros % 1_000_000);
    }

    /// <summary>
    /// DBSIZE, exact. When the disk engine has to count its keys first, the client waits as a
    /// blocked one does while the count runs off this loop, whose other clients go on; inside
    /// EXEC or a script it cannot wait, and the count runs here.
    /// </summary>
    private static void DbSize(CommandContext c)
    {
        var count = c.Client.InTransaction ? null : c.Keyspace.Database.Engine.KeyCountAsync();
        if (count is null || count.IsCompletedSuccessfully)
        {
            c.Output.WriteInteger(count?.Result ?? c.Keyspace.KeyCount);
            return;
        }
        var connection = c.Connection;
        connection.Suspend();
        count.ContinueWith(counted => connection.Resume(r =>
        {
            if (counted.IsCompletedSuccessfully)
                r.Output.WriteInteger(counted.Result);
            else
                r.Output.WriteError("ERR cannot count the keys: " + counted.Exception?.GetBaseException().Message);
        }), TaskScheduler.Default);
    }

    /// <summary>FLUSHALL/FLUSHDB [ASYNC|SYNC]: both run synchronously here, the reply is the same.</summary>
    private static void Flush(CommandContext c)
    {
        if (c.Count > 2 || (c.Count == 2 && !c.ArgIs(1, "ASYNC"u8) && !c.ArgIs(1, "SYNC"u8)))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        c.Keyspace.FlushAll();
        c.Output.WriteOk();
    }

    private static void Save(CommandContext c)
    {
        if (c.Node.Checkpointer.InProgress)
        {
            c.Output.WriteError("ERR Background save already in progress");
            return;
        }
        try
        {
            c.Node.Checkpointer.CheckpointAsync().GetAwaiter().GetResult();
            c.Output.WriteOk();
        }
        catch (Exception ex)
        {
            c.Output.WriteError("ERR checkpoint failed: " + ex.Message);
        }
    }

    private static void BgSave(CommandContext c)
    {
        bool schedule = c.Count == 2 && c.ArgIs(1, "SCHEDULE"u8);
        if (c.Count > 2 || (c.Count == 2 && !schedule))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (c.Node.Checkpointer.TryStartBackground())
            c.Output.WriteSimpleString("Background saving started");
        else if (schedule)
            c.Output.WriteSimpleString("Background saving scheduled");
        else
            c.Output.WriteError("ERR Background save already in progress");
    }

    /// <summary>The log is rewritten by checkpointing: the snapshot replaces the segments before it.</summary>
    private static void BgRewriteAof(CommandContext c)
    {
        if (c.Node.Checkpointer.TryStartBackground())
            c.Output.WriteSimpleString("Background append only file rewriting started");
        else
            c.Output.WriteError("ERR Background append only file rewriting already in progress");
    }

    /// <summary>SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: no reply on success, the connection just closes.</summary>
    private static void Shutdown(CommandContext c)
    {
        bool noSave = false, save = false;
        for (int i = 1; i < c.Count; i++)
        {
            if (c.ArgIs(i, "NOSAVE"u8)) noSave = true;
            else if (c.ArgIs(i, "SAVE"u8)) save = true;
            else if (c.ArgIs(i, "NOW"u8) || c.ArgIs(i, "FORCE"u8)) { }
            else if (c.ArgIs(i, "ABORT"u8))
            {
                c.Output.WriteError("ERR No shutdown in progress.");
                return;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        if (noSave && save)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        c.Connection.CloseAfterReply = true;
        c.Node.RequestShutdown(save: !noSave);
    }

    /// <summary>CONFIG GET pattern [pattern …] | SET name value [name value …] | RESETSTAT | HELP</summary>
    private static void Config(CommandContext c)
    {
        if (c.ArgIs(1, "GET"u8) && c.Count >= 3)
        {
            // Names match case-insensitively; a plain name (no glob) is echoed as the client wrote it, as Redis does.
            var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 2; i < c.Count; i++)
            {
                var pattern = c.ArgString(i);
                bool plain = pattern.IndexOfAny(['*', '?', '[']) < 0;
                foreach (var (name, value) in c.Node.Config.Get(new GlobPattern(c.Args.ToArray(i), ignoreCase: true), plain))
                    if ((!plain || name.Equals(pattern, StringComparison.OrdinalIgnoreCase)) && seen.Add(name))
                        found[plain ? pattern : name] = value;
            }
            c.Output.WriteMapHeader(found.Count);
            foreach (var (name, value) in found)
            {
                c.Output.WriteBulkString(name);
                c.Output.WriteBulkString(value);
            }
        }
        else if (c.ArgIs(1, "SET"u8) && c.Count >= 4)
        {
            if (c.Count % 2 != 0)
            {
                c.Output.WriteError(CommandErrors.Syntax);   // a name without its value
                return;
            }
            var pairs = new List<(string, string)>();
            for (int i = 2; i < c.Count; i += 2)
                pairs.Add((c.ArgString(i), c.ArgString(i + 1)));
            var measuring = c.Node.Config.MeasureFor(pairs);
            if (measuring is { IsFaulted: true })
            {
                c.Output.WriteError("ERR cannot measure the dataset: " + measuring.Exception!.GetBaseException().Message);
                return;
            }
            if (measuring is { IsCompleted: false } && !c.Client.InTransaction)
            {
                // The disk engine measures its dataset first (a walk of every key): the client waits
                // off this loop, whose other clients go on, and the command runs again after.
                var connection = c.Connection;
                connection.SuspendToRetry();
                measuring.ContinueWith(_ => connection.Resume(), TaskScheduler.Default);
                return;
            }
            var error = c.Node.Config.Set(pairs);
            if (error is null) c.Output.WriteOk();
            else c.Output.WriteError(error);
        }
        else if (c.ArgIs(1, "RESETSTAT"u8) && c.Count == 2)
        {
            c.Node.Stats.Reset();
            c.Node.Database.KeyspaceHits.Reset();
            c.Node.Database.KeyspaceMisses.Reset();
            Interlocked.Exchange(ref c.Node.Database.ExpiredKeys, 0);
            Interlocked.Exchange(ref c.Node.Database.EvictedKeys, 0);
            c.Output.WriteOk();
        }
        else if (c.ArgIs(1, "REWRITE"u8) && c.Count == 2)
        {
            c.Output.WriteError("ERR The server is running without a config file");   // options come from the command line
        }
        else if (c.ArgIs(1, "HELP"u8) && c.Count == 2)
        {
            string[] help =
            [
                "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
                "HELP",
                "    Prints this help.",
            ];
            c.Output.WriteArrayHeader(help.Length);
            foreach (var line in help)
                c.Output.WriteSimpleString(line);
        }
        else if (c.ArgIs(1, "GET"u8) || c.ArgIs(1, "SET"u8) || c.ArgIs(1, "RESETSTAT"u8) || c.ArgIs(1, "REWRITE"u8) || c.ArgIs(1, "HELP"u8))
        {
            c.Output.WriteError(CommandErrors.WrongArgs("config|" + c.ArgString(1).ToLowerInvariant()));
        }
        else
        {
            c.Output.WriteError(CommandErrors.UnknownSubcommand("config", c.ArgString(1)));
        }
    }
}
