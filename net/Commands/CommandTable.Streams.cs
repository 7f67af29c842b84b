namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddStreams(List<CommandSpec> t)
    {
        const string g = "stream";
        const string Trim = "strategy=(MAXLEN | MINID{6.2.0}) operator=[equal== | approximately=~] threshold [LIMIT count:integer]{6.2.0}";
        const string Streams = "streams=STREAMS (key:key... id...)";
        string[] exclusive = ["6.2.0 Added exclusive ranges."];
        Add(t, g, "XADD", -5, W | M | F, 1, 1, 1, "Appends a new message to a stream. Creates the key if it doesn't exist.", keys: "RW update # UPDATE instead of INSERT because of the optional trimming feature", tips: "nondeterministic_output",
            docs: Doc("5.0.0", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.", $"key:key [NOMKSTREAM]{{6.2.0}} trim=[{Trim}] id_or_auto=(auto_id=* | id) (field value)...",
                history: ["6.2.0 Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.", "7.0.0 Added support for the `<ms>-*` explicit ID form."]));
        Add(t, g, "XLEN", 2, R | F, 1, 1, 1, "Return the number of messages in a stream.", keys: "RO",
            docs: Doc("5.0.0", O1, "key:key"));
        Add(t, g, "XRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs.", keys: "RO access",
            docs: Doc("5.0.0", "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", "key:key start end [COUNT count:integer]", history: exclusive));
        Add(t, g, "XREVRANGE", -4, R, 1, 1, 1, "Returns the messages from a stream within a range of IDs in reverse order.", keys: "RO access",
            docs: Doc("5.0.0", "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", "key:key end start [COUNT count:integer]", history: exclusive));
        Add(t, g, "XDEL", -3, W | F, 1, 1, 1, "Returns the number of messages after removing them from a stream.", keys: "RW delete",
            docs: Doc("5.0.0", "O(1) for each single item to delete in the stream, regardless of the stream size.", "key:key id..."));
        Add(t, g, "XTRIM", -4, W, 1, 1, 1, "Deletes messages from the beginning of a stream.", keys: "RW delete", tips: "nondeterministic_output",
            docs: Doc("5.0.0", "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.", $"key:key trim=({Trim})",
                history: ["6.2.0 Added the `MINID` trimming strategy and the `LIMIT` option."]));
        Add(t, g, "XSETID", -3, W | M | F, 1, 1, 1, "An internal command for replicating stream values.", keys: "RW update",
            docs: Doc("5.0.0", O1, "key:key last-id [ENTRIESADDED entries_added:integer]{7.0.0} [MAXDELETEDID max_deleted_entry_id]{7.0.0}",
                history: ["7.0.0 Added the `entries_added` and `max_deleted_entry_id` arguments."]));
        // STREAMS key [key …] id [id …]: the keys are the first half after the keyword.
        t.Add(new CommandSpec("XREAD", -4, R | B, 0, 0, 0, g,
            "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.")
        {
            KeywordHalfKeys = "STREAMS", Keys = "RO access kSTREAMS,1 r-1,1,2",
            Docs = Doc("5.0.0", "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
                "[COUNT count:integer] [BLOCK milliseconds:integer] " + Streams),
        });
        t.Add(new CommandSpec("XREADGROUP", -7, W | B, 0, 0, 0, g,
            "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.")
        {
            KeywordHalfKeys = "STREAMS", Keys = "RO access kSTREAMS,4 r-1,1,2",
            Docs = Doc("5.0.0", "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
                "GROUP (group consumer) [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] " + Streams),
        });
        Add(t, g, "XGROUP", -2, W, 2, 2, 1, "A container for consumer groups commands (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP).", keys: "RW update i2",
            docs: Doc("5.0.0", BySubcommand));
        Add(t, g, "XACK", -4, W | F, 1, 1, 1, "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.", keys: "RW update",
            docs: Doc("5.0.0", "O(1) for each message ID processed.", "key:key group id..."));
        Add(t, g, "XPENDING", -3, R, 1, 1, 1, "Returns the information and entries from a stream consumer group's pending entries list.", keys: "RO access", tips: "nondeterministic_output",
            docs: Doc("5.0.0", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
                "key:key group filters=[[IDLE min-idle-time:integer]{6.2.0} start end count:integer [consumer]]", history: ["6.2.0 Added the `IDLE` option and exclusive range intervals."]));
        Add(t, g, "XCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.", keys: "RW update", tips: "nondeterministic_output",
            docs: Doc("5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.",
                "key:key group consumer min-idle-time id... [IDLE ms:integer] [TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID id]"));
        Add(t, g, "XAUTOCLAIM", -6, W | F, 1, 1, 1, "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.", keys: "RW delete", tips: "nondeterministic_output",
            docs: Doc("6.2.0", "O(1) if COUNT is small.", "key:key group consumer min-idle-time start [COUNT count:integer] [JUSTID]",
                history: ["7.0.0 Added an element to the reply array, containing deleted entries the command cleared from the PEL"]));
        Add(t, g, "XINFO", -2, R, 2, 2, 1, "A container for stream introspection commands (STREAM, GROUPS, CONSUMERS, HELP).", keys: "RO access i2",
            docs: Doc("5.0.0", BySubcommand));
    }
}
