using Istore.Net.Resp;

namespace Istore.Net.Commands;

/// <summary>
/// One command's COMMAND DOCS entry as Redis 7 writes it: a map of summary, since, group,
/// complexity, doc_flags, deprecated_since, replaced_by, history, arguments and, for a container,
/// subcommands ("container|sub" to the same map), with Redis's RESP types (sets for flags and
/// history) and orders, all read from the command table. Each argument that is not a oneof or a
/// block carries display_text, as Redis 7.2 added it.
/// </summary>
public static class CommandDocsReply
{
    /// <summary>A command's entry, with the subcommands its server serves.</summary>
    public static void Write(RespWriter o, CommandSpec spec, IReadOnlyList<Subcommand> subcommands) => Write(o, spec.Summary, spec.Group, spec.Docs, subcommands);

    /// <summary>A subcommand's entry, in its container's group.</summary>
    public static void Write(RespWriter o, CommandSpec container, Subcommand sub) => Write(o, sub.Summary, container.Group, sub.Docs, []);

    private static void Write(RespWriter o, string summary, string group, CommandDocs docs, IReadOnlyList<Subcommand> subcommands)
    {
        var docFlags = docs.DocFlagNames().ToList();
        o.WriteMapHeader(3 + (docs.Complexity is null ? 0 : 1) + (docFlags.Count > 0 ? 1 : 0) + (docs.DeprecatedSince is null ? 0 : 2)
            + (docs.History.Count > 0 ? 1 : 0) + (docs.Arguments.Count > 0 ? 1 : 0) + (subcommands.Count > 0 ? 1 : 0));
        o.WriteBulkString("summary"u8);
        o.WriteBulkString(summary);
        o.WriteBulkString("since"u8);
        o.WriteBulkString(docs.Since);
        o.WriteBulkString("group"u8);
        o.WriteBulkString(group.Replace('_', '-'));   // the table's sorted_set is Redis's ACL category; its docs group is sorted-set
        WriteOptional(o, "complexity"u8, docs.Complexity);
        if (docFlags.Count > 0)
        {
            o.WriteBulkString("doc_flags"u8);
            WriteFlagSet(o, docFlags);
        }
        if (docs.DeprecatedSince is not null)
        {
            o.WriteBulkString("deprecated_since"u8);
            o.WriteBulkString(docs.DeprecatedSince);
            o.WriteBulkString("replaced_by"u8);
            o.WriteBulkString(docs.ReplacedBy ?? "");
        }
        if (docs.History.Count > 0)
        {
            o.WriteBulkString("history"u8);
            o.WriteSetHeader(docs.History.Count);
            foreach (var (version, change) in docs.History)
            {
                o.WriteArrayHeader(2);
                o.WriteBulkString(version);
                o.WriteBulkString(change);
            }
        }
        if (docs.Arguments.Count > 0)
        {
            o.WriteBulkString("arguments"u8);
            WriteArguments(o, docs.Arguments);
        }
        if (subcommands.Count == 0)
            return;
        o.WriteBulkString("subcommands"u8);
        o.WriteMapHeader(subcommands.Count);
        foreach (var sub in subcommands)
        {
            o.WriteBulkString(sub.FullName);
            Write(o, sub.Summary, group, sub.Docs, []);
        }
    }

    private static void WriteArguments(RespWriter o, IReadOnlyList<CommandArgument> arguments)
    {
        o.WriteArrayHeader(arguments.Count);
        foreach (var a in arguments)
        {
            var flags = a.FlagNames().ToList();
            int fields = 3 + (a.KeySpecIndex >= 0 ? 1 : 0) + (a.Token is null ? 0 : 1) + (a.Since is null ? 0 : 1)
                + (a.DeprecatedSince is null ? 0 : 1) + (flags.Count > 0 ? 1 : 0);
            o.WriteMapHeader(fields);
            o.WriteBulkString("name"u8);
            o.WriteBulkString(a.Name);
            o.WriteBulkString("type"u8);
            o.WriteBulkString(a.TypeName);
            if (!a.IsGroup)
            {
                o.WriteBulkString("display_text"u8);
                o.WriteBulkString(a.Name);
            }
            if (a.KeySpecIndex >= 0)
            {
                o.WriteBulkString("key_spec_index"u8);
                o.WriteInteger(a.KeySpecIndex);
            }
            WriteOptional(o, "token"u8, a.Token);
            WriteOptional(o, "since"u8, a.Since);
            WriteOptional(o, "deprecated_since"u8, a.DeprecatedSince);
            if (flags.Count > 0)
            {
                o.WriteBulkString("flags"u8);
                WriteFlagSet(o, flags);
            }
            if (a.IsGroup)
            {
                o.WriteBulkString("arguments"u8);
                WriteArguments(o, a.Arguments);
            }
        }
    }

    private static void WriteOptional(RespWriter o, ReadOnlySpan<byte> field, string? value)
    {
        if (value is null)
            return;
        o.WriteBulkString(field);
        o.WriteBulkString(value);
    }

    private static void WriteFlagSet(RespWriter o, List<string> names)
    {
        o.WriteSetHeader(names.Count);
        foreach (var name in names)
            o.WriteSimpleString(name);
    }
}
