using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;

namespace Istore.Node.Acl;

/// <summary>
/// Redis's ACLCheckAllUserCommandPerm for one call: the command (or subcommand), then its keys
/// (from the table's key specs), then the channels it publishes or subscribes to.
/// </summary>
internal static class AclCheck
{
    /// <summary>
    /// Null when <paramref name="rules"/> allow the call starting at argument <paramref name="first"/>;
    /// otherwise why not, and the index (relative to the call) of the refused key or channel.
    /// </summary>
    public static AclDenial? Check(AclRules rules, CommandSpec spec, CommandArgs args, int first, List<int> scratch, out int refusedAt)
    {
        refusedAt = 0;
        if (!AllowsCommand(rules, spec, args, first))
            return AclDenial.Command;
        if (!rules.AllKeys && spec.HasKeys && !spec.ChannelKeys)
        {
            scratch.Clear();
            spec.CollectKeyIndexes(args, scratch, first);
            int access = KeyAccess(spec);
            foreach (int i in scratch)
            {
                if (!AllowsKey(rules, args[first + i], access))
                {
                    refusedAt = i;
                    return AclDenial.Key;
                }
            }
        }
        if (!rules.AllChannels && ChannelArguments(spec) is var (from, to, isPattern))
        {
            for (int i = from; i <= Math.Min(to, args.Count - first - 1); i++)
            {
                if (!AllowsChannel(rules, args[first + i], isPattern))
                {
                    refusedAt = i;
                    return AclDenial.Channel;
                }
            }
        }
        return null;
    }

    private static bool AllowsCommand(AclRules rules, CommandSpec spec, CommandArgs args, int first)
    {
        if ((spec.Flags & CommandFlags.NoAuth) != 0)
            return true;
        int id = AclCommandIds.Of(spec, args, first);
        if (rules.Allowed[id])
            return true;
        if (args.Count - first < 2 || !rules.FirstArgs.TryGetValue(id, out var firstArgs))
            return false;
        foreach (var allowed in firstArgs)
            if (Ascii.EqualsIgnoreCase(args[first + 1], Encoding.Latin1.GetBytes(allowed)))
                return true;
        return false;
    }

    /// <summary>
    /// The access a command's keys need: read for read-only commands, write for writes, both for
    /// the rest (EVAL's keys). Redis's key specs are finer (a write that also reads, such as INCR,
    /// needs both there); the table records no per-key access.
    /// </summary>
    private static int KeyAccess(CommandSpec spec) =>
        (spec.Flags & CommandFlags.Write) != 0 ? AclRules.WriteKeys
        : (spec.Flags & CommandFlags.ReadOnly) != 0 ? AclRules.ReadKeys
        : AclRules.AllKeyAccess;

    public static bool AllowsKey(AclRules rules, ReadOnlySpan<byte> key, int access)
    {
        if (rules.AllKeys)
            return true;
        foreach (var pattern in rules.Keys)
            if ((pattern.Access & access) == access && pattern.Glob.IsMatch(key))
                return true;
        return false;
    }

    /// <summary>A pattern subscription needs the very pattern granted; a channel needs a grant matching it.</summary>
    public static bool AllowsChannel(AclRules rules, ReadOnlySpan<byte> channel, bool isPattern)
    {
        if (rules.AllChannels)
            return true;
        for (int i = 0; i < rules.Channels.Count; i++)
        {
            if (isPattern ? channel.SequenceEqual(Encoding.Latin1.GetBytes(rules.Channels[i])) : rules.ChannelGlobs[i].IsMatch(channel))
                return true;
        }
        return false;
    }

    /// <summary>Where a command names channels it publishes or subscribes to (unsubscribing needs no permission).</summary>
    private static (int From, int To, bool IsPattern)? ChannelArguments(CommandSpec spec) => spec.Name switch
    {
        "PUBLISH" or "SPUBLISH" => (1, 1, false),
        "SUBSCRIBE" or "SSUBSCRIBE" => (1, int.MaxValue, false),
        "PSUBSCRIBE" => (1, int.MaxValue, true),
        _ => null,
    };

    /// <summary>Redis's NOPERM text for a refused top-level command.</summary>
    public static string Refusal(AclDenial denial, CommandSpec spec, CommandArgs args, int first = 0) => denial switch
    {
        AclDenial.Command => $"NOPERM this user has no permissions to run the '{AclCommandIds.FullNames[AclCommandIds.Of(spec, args, first)]}' command",
        AclDenial.Key => "NOPERM this user has no permissions to access one of the keys used as arguments",
        _ => "NOPERM this user has no permissions to access one of the channels used as arguments",
    };

    /// <summary>Redis's getAclErrorMessage, for scripts and EXEC.</summary>
    public static string Reason(AclDenial denial) => denial switch
    {
        AclDenial.Command => "can't run this command or subcommand",
        AclDenial.Key => "can't access at least one of the keys mentioned in the command arguments",
        _ => "can't publish to the channel mentioned in the command",
    };
}
