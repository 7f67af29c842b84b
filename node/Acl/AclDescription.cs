using System.Text;

namespace Istore.Node.Acl;

/// <summary>
/// Users as text: the command rules that rebuild a user's permissions (Redis's
/// ACLDescribeSelectorCommandRules: +@all or -@all, the categories that fit best, then single
/// commands) and the whole user as ACL LIST shows it.
/// </summary>
internal static class AclDescription
{
    /// <summary>"user name on #hash ~* &amp;* +@all", as ACL LIST.</summary>
    public static string Line(AclUser user)
    {
        var rules = user.Rules;
        var text = new StringBuilder("user ").Append(user.Name).Append(' ');
        foreach (var flag in Flags(rules))
            text.Append(flag).Append(' ');
        foreach (var hash in rules.Passwords)
            text.Append('#').Append(hash).Append(' ');
        if (rules.AllKeys)
            text.Append("~* ");
        else
            foreach (var key in rules.Keys)
                text.Append(KeyPattern(key)).Append(' ');
        if (rules.AllChannels)
            text.Append("&* ");
        else
        {
            text.Append("resetchannels ");
            foreach (var channel in rules.Channels)
                text.Append('&').Append(channel).Append(' ');
        }
        return text.Append(CommandRules(rules)).ToString();
    }

    /// <summary>GETUSER's flags, in Redis's order.</summary>
    public static List<string> Flags(AclRules rules)
    {
        var flags = new List<string> { rules.Enabled ? "on" : "off" };
        if (rules.NoPass) flags.Add("nopass");
        if (rules.PayloadFlag is { } payload) flags.Add(payload);
        return flags;
    }

    public static string KeyPattern(AclRules.KeyPattern key) => key.Access switch
    {
        AclRules.ReadKeys => "%R~",
        AclRules.WriteKeys => "%W~",
        _ => "~",
    } + key.Text;

    public static string KeyPatterns(AclRules rules) =>
        rules.AllKeys ? "~*" : string.Join(' ', rules.Keys.Select(KeyPattern));

    public static string ChannelPatterns(AclRules rules) =>
        rules.AllChannels ? "&*" : string.Join(' ', rules.Channels.Select(c => "&" + c));

    /// <summary>The command rules that rebuild <paramref name="rules"/>' permissions from nothing.</summary>
    public static string CommandRules(AclRules rules)
    {
        bool additive = !rules.AllCommands;
        var text = new StringBuilder(additive ? "-@all " : "+@all ");
        // Replay what is emitted on a fake user; "remaining" tracks what the categories chosen so far leave unexplained.
        var fake = AclRules.NewUser(false);
        fake.Apply(additive ? "-@all" : "+@all", false);
        var remaining = (bool[])rules.Allowed.Clone();
        var applied = new bool[Net.Commands.AclCategories.Names.Count];
        while (true)
        {
            int best = -1;
            long minDiff = long.MaxValue, maxSame = 0;
            for (int j = 0; j < applied.Length; j++)
            {
                if (applied[j])
                    continue;
                var flag = (Net.Commands.AclCategory)(1u << j);
                long on = 0, off = 0;
                for (int id = 0; id < AclCommandIds.Count; id++)
                    if ((AclCommandIds.Categories[id] & flag) != 0)
                    {
                        if (remaining[id]) on++;
                        else off++;
                    }
                long diff = additive ? off : on, same = additive ? on : off;
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame)))
                    (best, minDiff, maxSame) = (j, diff, same);
            }
            if (best < 0)
                break;
            string name = Net.Commands.AclCategories.Names[best];
            fake.Apply((additive ? "+@" : "-@") + name, false);
            var bestFlag = (Net.Commands.AclCategory)(1u << best);
            // The inverse on the tracking copy, with the same subcommand spreading as the real rule.
            var tracker = new TrackingBits(remaining);
            for (int id = 0; id < AclCommandIds.Count; id++)
                if ((AclCommandIds.Categories[id] & bestFlag) != 0)
                    tracker.Change(id, !additive);
            text.Append(additive ? "+@" : "-@").Append(name).Append(' ');
            applied[best] = true;
        }
        for (int id = 0; id < AclCommandIds.Count; id++)
        {
            bool user = rules.Allowed[id];
            if (user != fake.Allowed[id])
            {
                text.Append(user ? '+' : '-').Append(AclCommandIds.FullNames[id]).Append(' ');
                fake.Change(id, user);
            }
            if (!user && rules.FirstArgs.TryGetValue(id, out var firstArgs))
                foreach (var arg in firstArgs)
                    text.Append('+').Append(AclCommandIds.FullNames[id]).Append('|').Append(arg).Append(' ');
        }
        return text.ToString(0, text.Length - 1);
    }

    /// <summary>A bare command bitmap with Redis's rule that changing a container changes its subcommands.</summary>
    private readonly struct TrackingBits(bool[] bits)
    {
        public void Change(int id, bool allow)
        {
            bits[id] = allow;
            foreach (int sub in AclCommandIds.Children[id])
                bits[sub] = allow;
        }
    }
}
