using Istore.Node.Tracking;

namespace Istore.Node.Commands;

/// <summary>CLIENT TRACKING | CACHING | GETREDIR | TRACKINGINFO: client-side caching, with Redis's rules and errors.</summary>
internal static class ClientTrackingCommand
{
    /// <summary>CLIENT TRACKING on|off [REDIRECT id] [PREFIX p]… [BCAST] [OPTIN] [OPTOUT] [NOLOOP]</summary>
    public static void Tracking(CommandContext c)
    {
        long redirect = 0;
        bool bcast = false, optIn = false, optOut = false, noLoop = false;
        var prefixes = new List<byte[]>();
        for (int i = 3; i < c.Count; i++)
        {
            bool more = i + 1 < c.Count;
            if (c.ArgIs(i, "REDIRECT"u8) && more)
            {
                i++;
                if (redirect != 0)
                {
                    c.Output.WriteError("ERR A client can only redirect to a single other client");
                    return;
                }
                if (!c.TryInt64(i, out redirect))
                    return;
                if (!c.Node.Host.TryGetConnection(redirect, out _))
                {
                    c.Output.WriteError("ERR The client ID you want redirect to does not exist");
                    return;
                }
            }
            else if (c.ArgIs(i, "BCAST"u8)) bcast = true;
            else if (c.ArgIs(i, "OPTIN"u8)) optIn = true;
            else if (c.ArgIs(i, "OPTOUT"u8)) optOut = true;
            else if (c.ArgIs(i, "NOLOOP"u8)) noLoop = true;
            else if (c.ArgIs(i, "PREFIX"u8) && more) prefixes.Add(c.Args.ToArray(++i));
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }
        var table = c.Node.Database.Tracking;
        var current = c.Client.Tracking;
        if (c.ArgIs(2, "OFF"u8))
        {
            if (current is not null)
                table.Disable(current);
            c.Client.Tracking = null;
            c.Output.WriteOk();
            return;
        }
        if (!c.ArgIs(2, "ON"u8))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        if (Refusal(current, bcast, optIn, optOut, prefixes) is { } refusal)
        {
            c.Output.WriteError(refusal);
            return;
        }
        // Enabling again keeps the keys read so far and adds prefixes, as Redis does.
        var state = current ?? new TrackingState(c.Connection);
        if (current is not null)
            table.Disable(current);
        (state.Broadcast, state.OptIn, state.OptOut, state.NoLoop, state.RedirectId) = (bcast, optIn, optOut, noLoop, redirect);
        state.BrokenRedirect = false;
        state.On = true;
        if (bcast)
        {
            if (prefixes.Count == 0) prefixes.Add([]);
            foreach (var prefix in prefixes)
                if (!state.Prefixes.Exists(p => p.AsSpan().SequenceEqual(prefix)))
                    state.Prefixes.Add(prefix);
        }
        table.Enable(state);
        c.Client.Tracking = state;
        c.Output.WriteOk();
    }

    private static string? Refusal(TrackingState? current, bool bcast, bool optIn, bool optOut, List<byte[]> prefixes)
    {
        if (!bcast && prefixes.Count > 0)
            return "ERR PREFIX option requires BCAST mode to be enabled";
        if (current is not null && current.Broadcast != bcast)
            return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
        if (bcast && (optIn || optOut))
            return "ERR OPTIN and OPTOUT are not compatible with BCAST";
        if (optIn && optOut)
            return "ERR You can't specify both OPTIN mode and OPTOUT mode";
        if ((optIn && current is { OptOut: true }) || (optOut && current is { OptIn: true }))
            return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
        if (!bcast)
            return null;
        for (int i = 0; i < prefixes.Count; i++)
        {
            var existing = current?.Prefixes.Find(p => Overlap(p, prefixes[i]));
            if (existing is not null)
                return $"ERR Prefix '{Text(prefixes[i])}' overlaps with an existing prefix '{Text(existing)}'. Prefixes for a single client must not overlap.";
            for (int j = i + 1; j < prefixes.Count; j++)
                if (Overlap(prefixes[i], prefixes[j]))
                    return $"ERR Prefix '{Text(prefixes[i])}' overlaps with another provided prefix '{Text(prefixes[j])}'. Prefixes for a single client must not overlap.";
        }
        return null;
    }

    /// <summary>One is a prefix of the other: both would report the same keys.</summary>
    private static bool Overlap(byte[] a, byte[] b) => a.AsSpan(0, Math.Min(a.Length, b.Length)).SequenceEqual(b.AsSpan(0, Math.Min(a.Length, b.Length)));

    private static string Text(byte[] value) => System.Text.Encoding.UTF8.GetString(value);

    /// <summary>CLIENT CACHING yes|no: whether the next command's keys are tracked (OPTIN / OPTOUT).</summary>
    public static void Caching(CommandContext c)
    {
        if (c.Client.Tracking is not { } state)
        {
            c.Output.WriteError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
            return;
        }
        if (c.ArgIs(2, "YES"u8) && !state.OptIn)
            c.Output.WriteError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        else if (c.ArgIs(2, "NO"u8) && !state.OptOut)
            c.Output.WriteError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        else if (!c.ArgIs(2, "YES"u8) && !c.ArgIs(2, "NO"u8))
            c.Output.WriteError(CommandErrors.Syntax);
        else
        {
            state.CachingGiven = true;
            c.Output.WriteOk();
        }
    }

    public static void GetRedirect(CommandContext c) => c.Output.WriteInteger(c.Client.Tracking?.RedirectId ?? -1);

    public static void Info(CommandContext c)
    {
        var state = c.Client.Tracking;
        var flags = new List<string> { state is null ? "off" : "on" };
        if (state is not null)
        {
            if (state.Broadcast) flags.Add("bcast");
            if (state.OptIn) flags.AddRange(state.CachingGiven ? ["optin", "caching-yes"] : ["optin"]);
            if (state.OptOut) flags.AddRange(state.CachingGiven ? ["optout", "caching-no"] : ["optout"]);
            if (state.NoLoop) flags.Add("noloop");
            if (state.BrokenRedirect) flags.Add("broken_redirect");
        }
        c.Output.WriteMapHeader(3);
        c.Output.WriteBulkString("flags"u8);
        c.Output.WriteSetHeader(flags.Count);
        foreach (var flag in flags)
            c.Output.WriteBulkString(flag);
        c.Output.WriteBulkString("redirect"u8);
        c.Output.WriteInteger(state?.RedirectId ?? -1);
        c.Output.WriteBulkString("prefixes"u8);
        var prefixes = state?.Prefixes ?? [];
        c.Output.WriteArrayHeader(prefixes.Count);
        foreach (var prefix in prefixes)
            c.Output.WriteBulkString(prefix);
    }

    /// <summary>
    /// After a command of a tracking client: remember the keys it read (unless OPTIN/OPTOUT says
    /// not), then end a CLIENT CACHING. As Redis, a script's read remembers the keys the script
    /// declared, not those it read, and the read-only script commands track nothing themselves.
    /// </summary>
    public static void AfterCommand(CommandContext c, TrackingState state)
    {
        var spec = c.Spec;
        if (c.ScriptCommand is { } script)
        {
            if (Reads(spec))
                Remember(c, state, script.Spec, script.Args);
            return;   // CLIENT CACHING lasts the whole script
        }
        if (Reads(spec) && spec.Name is not ("EVAL_RO" or "EVALSHA_RO" or "FCALL_RO"))
            Remember(c, state, spec, c.Args);
        if (state.CachingGiven && spec.Name != "CLIENT" && c.Client.Transaction is null && !c.Client.InTransaction)
            state.CachingGiven = false;
    }

    private static bool Reads(Net.Commands.CommandSpec spec) =>
        (spec.Flags & (Net.Commands.CommandFlags.ReadOnly | Net.Commands.CommandFlags.PubSub)) == Net.Commands.CommandFlags.ReadOnly;

    private static void Remember(CommandContext c, TrackingState state, Net.Commands.CommandSpec spec, Net.Resp.CommandArgs args)
    {
        if (state.Broadcast || !spec.HasKeys || !(state.OptIn ? state.CachingGiven : !(state.OptOut && state.CachingGiven)))
            return;
        var keys = new List<int>();
        spec.CollectKeyIndexes(args, keys);
        if (keys.Count > 0)
            c.Node.Database.Tracking.Remember(state, args, keys);
    }
}
