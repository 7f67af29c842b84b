using System.Globalization;
using System.Text;
using Istore.Net.Resp;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node.Streams;

/// <summary>
/// The same random stream workload on istore-node and a real redis-server 7.0, reply for reply, in
/// RESP2 and RESP3: XADD with explicit and ms-* IDs (some going backwards), exact and approximate
/// MAXLEN/MINID trims, XDEL, XTRIM, ranges, XREAD, consumer groups with XREADGROUP (new and history),
/// XACK, XCLAIM, XAUTOCLAIM, XPENDING, XINFO, XSETID, bad IDs and WRONGTYPE. IDs are explicit so
/// replies are comparable; replies are compared byte for byte except the few fields that carry
/// clocks (idle and delivery times, seen times) or Redis's radix-tree node count, which are masked.
/// Streams grow past Redis's 100-entry blocks, so approximate trims are compared too.
/// </summary>
public abstract class StreamOracleTests(NodeFixture node, RedisServerFixture redis)
{
    private const int Commands = 2500;

    private static readonly string[] Keys = ["xo:a", "xo:b", "xo:c"];
    private static readonly string[] Groups = ["g1", "g2"];
    private static readonly string[] Consumers = ["c1", "c2", "c3"];

    private sealed class Workload(Random random)
    {
        private readonly Dictionary<string, List<(ulong Ms, ulong Seq)>> _added = Keys.ToDictionary(k => k, _ => new List<(ulong, ulong)>());
        private readonly Dictionary<string, ulong> _clock = Keys.ToDictionary(k => k, _ => 1UL);

        public Random R => random;

        public T Pick<T>(params T[] items) => items[random.Next(items.Length)];

        public string Number(int min, int max) => random.Next(min, max).ToString(CultureInfo.InvariantCulture);

        /// <summary>An ID for XADD: mostly ahead of the last one, sometimes ms-*, sometimes behind (refused on both).</summary>
        public string NewId(string key)
        {
            var added = _added[key];
            switch (random.Next(20))
            {
                case 0 when added.Count > 0:
                    var old = added[random.Next(added.Count)];
                    return $"{old.Ms}-{old.Seq}";
                case 1:
                    return $"{_clock[key]}-*";
                case 2:
                    return _clock[key].ToString(CultureInfo.InvariantCulture);
                default:
                    if (random.Next(3) == 0)
                        _clock[key] += (ulong)random.Next(1, 4);
                    return $"{_clock[key]}-{random.Next(0, 3) + (added.Count > 0 && added[^1].Ms == _clock[key] ? (int)added[^1].Seq + 1 : 0)}";
            }
        }

        /// <summary>Records what XADD answered, to pick real IDs later.</summary>
        public void Added(string key, RespValue reply)
        {
            if (reply.Type != RespType.BulkString)
                return;
            var parts = reply.AsString()!.Split('-');
            var id = (ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
            _added[key].Add(id);
            _clock[key] = Math.Max(_clock[key], id.Item1);
        }

        public void Reset(string key) => _added[key].Clear();

        /// <summary>An ID near the stream's history: one it holds or held, or a made-up one, or a special form.</summary>
        public string SomeId(string key, bool allowSpecial = true)
        {
            var added = _added[key];
            int choice = random.Next(10);
            if (allowSpecial && choice == 0)
                return Pick("-", "+");
            if (choice <= 6 && added.Count > 0)
            {
                var id = added[random.Next(Math.Max(0, added.Count - 150), added.Count)];
                return $"{id.Ms}-{id.Seq}";
            }
            if (choice == 7)
                return Number(0, (int)_clock[key] + 2);
            return $"{random.Next(0, (int)_clock[key] + 2)}-{random.Next(0, 4)}";
        }

        /// <summary>An ID from well back in the stream's history (MINID thresholds that keep the stream long).</summary>
        public string OldId(string key)
        {
            var added = _added[key];
            if (added.Count == 0)
                return "0-1";
            var id = added[random.Next(Math.Max(0, added.Count - 400), Math.Max(1, added.Count - 120))];
            return $"{id.Ms}-{id.Seq}";
        }

        public string Bound(string key, bool start)
        {
            if (random.Next(8) == 0)
                return start ? "-" : "+";
            string id = SomeId(key, allowSpecial: false);
            return random.Next(4) == 0 ? "(" + id : id;
        }

        public string[] Fields() => random.Next(4) switch
        {
            0 => ["f", Number(0, 50)],
            1 => ["f", Number(0, 50), "g", Pick("x", "yy", "")],
            2 => ["name", Pick("alice", "bob"), "n", Number(-5, 1000)],
            _ => ["f", Pick("v", "w"), "h", "1", "i", "2"],
        };
    }

    /// <summary>
    /// Where blocks begin and end decides what approximate trims drop and XINFO's radix-tree-keys:
    /// blocks emptied by XDEL at the front, in the middle and at the end, trims by both strategies,
    /// XSETID past deleted entries and a stream emptied and refilled keep them as Redis has them.
    /// </summary>
    [Fact]
    public async Task Blocks_fall_where_redis_cuts_its_listpacks()
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        const string key = "xo:blocks";
        var steps = new List<string[]> { new[] { "CONFIG", "SET", "stream-node-max-entries", "10" }, new[] { "DEL", key } };
        for (int i = 1; i <= 35; i++)
            steps.Add(["XADD", key, $"{i}-1", "f", "v"]);
        steps.Add(["XDEL", key, .. Enumerable.Range(1, 10).Select(i => $"{i}-1")]);
        steps.Add(["XDEL", key, "15-1"]);
        steps.Add(["XDEL", key, .. Enumerable.Range(21, 10).Select(i => $"{i}-1")]);
        steps.Add(["XDEL", key, "35-1", "34-1"]);
        steps.Add(["XADD", key, "MAXLEN", "~", "3", "36-1", "f", "v"]);
        steps.Add(["XSETID", key, "50-0"]);
        for (int i = 51; i <= 64; i++)
            steps.Add(["XADD", key, $"{i}-1", "g", "w"]);
        steps.Add(["XTRIM", key, "MINID", "~", "60"]);
        steps.Add(["XTRIM", key, "MINID", "55"]);
        steps.Add(["XTRIM", key, "MAXLEN", "~", "0"]);
        steps.Add(["XTRIM", key, "MAXLEN", "0"]);
        steps.Add(["XADD", key, "70-1", "f", "v"]);
        try
        {
            foreach (var step in steps)
            {
                Assert.Equal(await theirs.CommandAsync(step), await ours.CommandAsync(step));
                if (step[0] == "CONFIG" || step[0] == "DEL")
                    continue;
                var expected = (await theirs.ReadValueAfterAsync("XINFO", "STREAM", key)).Items.ToList();
                var actual = (await ours.ReadValueAfterAsync("XINFO", "STREAM", key)).Items.ToList();
                foreach (var field in new[] { "length", "radix-tree-keys", "recorded-first-entry-id", "max-deleted-entry-id", "first-entry", "last-entry" })
                {
                    int at = expected.FindIndex(item => item.Type == Istore.Net.Resp.RespType.BulkString && item.AsString() == field);
                    Assert.True(MaskedReply.Render(expected[at + 1], new HashSet<string>()) == MaskedReply.Render(actual[at + 1], new HashSet<string>()),
                        $"{field} after {string.Join(' ', step)}");
                }
            }
        }
        finally
        {
            foreach (var c in new[] { ours, theirs })
                await c.CommandAsync("CONFIG", "SET", "stream-node-max-entries", "100");
        }
    }

    [Theory]
    [InlineData(2, 21)]
    [InlineData(3, 22)]
    [InlineData(2, 105)]
    [InlineData(3, 111)]
    public async Task Random_stream_workload_gets_the_same_replies_as_redis(int protocol, int seed)
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await RawConnection.ConnectAsync(redis.Port);
        foreach (var c in new[] { ours, theirs })
        {
            await c.ReadValueAfterAsync("HELLO", protocol.ToString(CultureInfo.InvariantCulture));
            await c.ReadValueAfterAsync(["DEL", .. Keys, "xo:str"]);
            await c.ReadValueAfterAsync("SET", "xo:str", "text");
        }
        var w = new Workload(new Random(seed));
        int entriesSeen = 0, groupReads = 0;
        long longest = 0;
        var history = new List<string>();
        for (int i = 0; i < Commands; i++)
        {
            var command = NextCommand(w);
            var expectedBytes = await theirs.CommandAsync(command);
            var actualBytes = await ours.CommandAsync(command);
            history.Add($"#{i}: {string.Join(' ', command)} → {Escape(expectedBytes)[..Math.Min(60, Escape(expectedBytes).Length)]}");
            // On a mismatch, the earlier commands on the same key show how the states parted.
            string key = command.FirstOrDefault(Keys.Contains) ?? command[1];
            string context = string.Join('\n', history.Where(h => h.Contains(key + ' ')).TakeLast(40));
            if (Masked(command, out var maskKeys, out bool pendingIdle))
            {
                string expected = MaskedReply.Render(RespValue.Parse(Encoding.UTF8.GetBytes(expectedBytes)), maskKeys, maskTimes: true, pendingIdle);
                string actual = MaskedReply.Render(RespValue.Parse(Encoding.UTF8.GetBytes(actualBytes)), maskKeys, maskTimes: true, pendingIdle);
                Assert.True(expected == actual, $"{context}\n redis:  {expected}\n istore: {actual}");
            }
            else
            {
                Assert.True(expectedBytes == actualBytes, $"{context}\n redis:  {Escape(expectedBytes)}\n istore: {Escape(actualBytes)}");
            }
            if (command[0] == "XADD")
                w.Added(command[1], RespValue.Parse(Encoding.UTF8.GetBytes(expectedBytes)));
            if (command[0] == "DEL")
                w.Reset(command[1]);
            if (command[0] is "XRANGE" or "XREVRANGE" && expectedBytes.StartsWith("*") && !expectedBytes.StartsWith("*0") && !expectedBytes.StartsWith("*-"))
                entriesSeen++;
            if (command[0] == "XLEN" && expectedBytes.StartsWith(':'))
                longest = Math.Max(longest, long.Parse(expectedBytes[1..^2], CultureInfo.InvariantCulture));
            if (command[0] == "XREADGROUP" && (expectedBytes.StartsWith("*1") || expectedBytes.StartsWith("*2") || expectedBytes.StartsWith("%")))
                groupReads++;
        }
        // The workload must keep streams and groups populated, or it compares empty replies.
        Assert.True(entriesSeen > 50, $"only {entriesSeen} non-empty ranges");
        Assert.True(groupReads > 30, $"only {groupReads} served group reads");
        // A stream outgrew Redis's 100-entry block, so trims and ranges crossed block boundaries.
        Assert.True(longest > 100, $"the longest stream seen held {longest} entries");
    }

    private static string Escape(string reply) => reply.Replace("\r\n", "\\r\\n");

    /// <summary>Replies with clock-dependent fields: which map fields to mask, and whether XPENDING's idle column is.</summary>
    private static bool Masked(string[] command, out HashSet<string> keys, out bool pendingIdle)
    {
        keys = [];
        pendingIdle = command[0] == "XPENDING" && command.Length > 3;
        if (command[0] == "XINFO")
            keys = ["idle", "radix-tree-nodes", "seen-time"];
        return pendingIdle || command[0] == "XINFO";
    }

    private static string[] NextCommand(Workload w)
    {
        string key = w.Pick(Keys);
        string group = w.Pick(Groups), consumer = w.Pick(Consumers);
        switch (w.R.Next(40))
        {
            case < 14:
                var options = new List<string>();
                if (w.R.Next(12) == 0) options.Add("NOMKSTREAM");
                if (w.R.Next(6) == 0)
                {
                    bool approximate = w.R.Next(2) == 0;
                    if (w.R.Next(3) > 0)
                        options.AddRange(["MAXLEN", .. approximate ? ["~"] : w.R.Next(2) == 0 ? ["="] : Array.Empty<string>(), w.Number(30, 300)]);
                    else
                        options.AddRange(["MINID", .. approximate ? ["~"] : Array.Empty<string>(), w.OldId(key)]);
                    if (approximate && w.R.Next(3) == 0)
                        options.AddRange(["LIMIT", w.Number(0, 250)]);
                }
                var target = w.R.Next(60) == 0 ? "xo:str" : key;
                return ["XADD", target, .. options, w.NewId(key), .. w.Fields()];
            case 14:
                return ["XLEN", key];
            case 15 or 16:
                return ["XRANGE", key, w.Bound(key, true), w.Bound(key, false), .. w.R.Next(2) == 0 ? ["COUNT", w.Number(-1, 12)] : Array.Empty<string>()];
            case 17:
                return ["XREVRANGE", key, w.Bound(key, false), w.Bound(key, true), .. w.R.Next(2) == 0 ? ["COUNT", w.Number(0, 12)] : Array.Empty<string>()];
            case 18:
                return ["XDEL", key, .. Enumerable.Range(0, w.R.Next(1, 4)).Select(_ => w.SomeId(key, allowSpecial: false))];
            case 19:
                return w.R.Next(2) == 0
                    ? ["XTRIM", key, "MAXLEN", .. w.R.Next(2) == 0 ? ["~"] : Array.Empty<string>(), w.Number(30, 300)]
                    : ["XTRIM", key, "MINID", .. w.R.Next(2) == 0 ? ["~"] : Array.Empty<string>(), w.OldId(key)];
            case 20 or 21:
                var keys = w.R.Next(3) == 0 ? new[] { key, w.Pick(Keys) } : [key];
                return ["XREAD", .. w.R.Next(2) == 0 ? ["COUNT", w.Number(0, 8)] : Array.Empty<string>(), "STREAMS", .. keys, .. keys.Select(k => w.R.Next(5) == 0 ? "$" : w.SomeId(k, allowSpecial: false))];
            case 22:
                return w.R.Next(3) switch
                {
                    0 => ["XGROUP", "CREATE", key, group, w.R.Next(3) == 0 ? "$" : w.SomeId(key, allowSpecial: false), .. w.R.Next(3) == 0 ? ["MKSTREAM"] : Array.Empty<string>()],
                    1 => ["XGROUP", "SETID", key, group, w.R.Next(3) == 0 ? "$" : w.SomeId(key, allowSpecial: false), .. w.R.Next(2) == 0 ? ["ENTRIESREAD", w.Number(-1, 300)] : Array.Empty<string>()],
                    _ => ["XGROUP", w.Pick("CREATECONSUMER", "DELCONSUMER"), key, group, consumer],
                };
            case 23 when w.R.Next(4) == 0:
                return ["XGROUP", "DESTROY", key, group];
            case 23 or 24 or 25 or 26 or 27:
                var readKeys = w.R.Next(4) == 0 ? new[] { key, w.Pick(Keys) } : [key];
                var flags = new List<string>();
                if (w.R.Next(2) == 0) flags.AddRange(["COUNT", w.Number(0, 10)]);
                if (w.R.Next(6) == 0) flags.Add("NOACK");
                return ["XREADGROUP", "GROUP", group, consumer, .. flags, "STREAMS", .. readKeys, .. readKeys.Select(k => w.R.Next(4) == 0 ? w.Pick("0", w.SomeId(k, allowSpecial: false)) : ">")];
            case 28 or 29:
                return ["XACK", key, group, .. Enumerable.Range(0, w.R.Next(1, 4)).Select(_ => w.SomeId(key, allowSpecial: false))];
            case 30:
                return w.R.Next(2) == 0
                    ? ["XPENDING", key, group]
                    : ["XPENDING", key, group, .. w.R.Next(4) == 0 ? ["IDLE", "0"] : Array.Empty<string>(), w.Bound(key, true), w.Bound(key, false), w.Number(-1, 10), .. w.R.Next(2) == 0 ? [consumer] : Array.Empty<string>()];
            case 31:
                var claim = new List<string> { "XCLAIM", key, group, consumer, "0" };
                claim.AddRange(Enumerable.Range(0, w.R.Next(1, 4)).Select(_ => w.SomeId(key, allowSpecial: false)));
                if (w.R.Next(2) == 0) claim.Add("JUSTID");
                if (w.R.Next(4) == 0) claim.Add("FORCE");
                if (w.R.Next(4) == 0) claim.AddRange(["RETRYCOUNT", w.Number(0, 5)]);
                if (w.R.Next(6) == 0) claim.AddRange(["LASTID", w.SomeId(key, allowSpecial: false)]);
                return [.. claim];
            case 32:
                return ["XAUTOCLAIM", key, group, consumer, "0", w.Bound(key, true), .. w.R.Next(2) == 0 ? ["COUNT", w.Number(1, 6)] : Array.Empty<string>(), .. w.R.Next(2) == 0 ? ["JUSTID"] : Array.Empty<string>()];
            case 33:
                return ["XINFO", "GROUPS", key];
            case 34:
                return ["XINFO", "CONSUMERS", key, group];
            case 35:
                return w.R.Next(3) == 0 ? ["XINFO", "STREAM", key, "FULL", "COUNT", w.Number(0, 5)] : ["XINFO", "STREAM", key];
            case 36:
                return ["XSETID", key, w.SomeId(key, allowSpecial: false), .. w.R.Next(3) == 0 ? ["ENTRIESADDED", w.Number(0, 400)] : Array.Empty<string>()];
            case 37:
                return w.R.Next(8) == 0 ? ["DEL", key] : ["TYPE", key];
            case 38:
                return w.Pick<string[]>(["XRANGE", "xo:str", "-", "+"], ["XLEN", "xo:str"], ["XREADGROUP", "GROUP", "g1", "c1", "STREAMS", "xo:str", ">"],
                    ["XGROUP", "CREATE", "xo:str", "g1", "0"], ["XINFO", "STREAM", "xo:str"], ["XACK", "xo:str", "g1", "1-1"]);
            default:
                return w.Pick<string[]>(["XADD", key, "0-0", "f", "v"], ["XRANGE", key, "bad", "+"], ["XADD", key, "1-x", "f", "v"], ["XDEL", key, "-"], ["XREAD", "STREAMS", key], ["XADD", key, "MAXLEN", "-1", "*", "f", "v"]);
        }
    }
}
