using System.Globalization;
using System.Text;
using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// GEOADD GEODIST GEOHASH GEOPOS over sorted sets whose scores are <see cref="GeoHash"/> cells,
/// as Redis 7's geo.c. GEOADD is ZADD with computed scores and runs (and is logged) as that ZADD.
/// The searches (GEOSEARCH, GEORADIUS…) are in <see cref="GeoSearchCommands"/>.
/// </summary>
public static class GeoCommands
{
    public static void Register(HandlerTable t)
    {
        t.Add("GEOADD", GeoAdd);
        t.Add("GEODIST", GeoDist);
        t.Add("GEOHASH", GeoHashCommand);
        t.Add("GEOPOS", GeoPos);
        GeoSearchCommands.Register(t);
    }

    private static readonly CommandSpec ZAddSpec = CommandTable.Find("ZADD")!;

    /// <summary>GEOADD key [NX|XX] [CH] longitude latitude member [… …]</summary>
    private static void GeoAdd(CommandContext c)
    {
        int first = 2;
        bool nx = false, xx = false;
        for (; first < c.Count; first++)
        {
            if (c.ArgIs(first, "NX"u8)) nx = true;
            else if (c.ArgIs(first, "XX"u8)) xx = true;
            else if (!c.ArgIs(first, "CH"u8)) break;
        }
        if ((c.Count - first) % 3 != 0 || (nx && xx))
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        var zadd = new List<byte[]> { "ZADD"u8.ToArray() };
        for (int i = 1; i < first; i++)
            zadd.Add(c.Arg(i).ToArray());
        for (int i = first; i < c.Count; i += 3)
        {
            if (!TryLongitudeLatitude(c, i, out double longitude, out double latitude))
                return;
            zadd.Add(Encoding.ASCII.GetBytes(GeoHash.Encode(longitude, latitude).ToString(CultureInfo.InvariantCulture)));
            zadd.Add(c.Arg(i + 2).ToArray());
        }
        // Run the equivalent ZADD (its reply, its options, its log record), as Redis does.
        var args = new CommandArgs();
        args.SetFrom([.. zadd]);
        var (savedArgs, savedSpec) = (c.Args, c.Spec);
        c.Args = args;
        c.Spec = ZAddSpec;
        try
        {
            SortedSetCommands.Add(c);
        }
        finally
        {
            (c.Args, c.Spec) = (savedArgs, savedSpec);
        }
    }

    /// <summary>Redis's extractLongLatOrReply: two floats within the Web Mercator range.</summary>
    public static bool TryLongitudeLatitude(CommandContext c, int index, out double longitude, out double latitude)
    {
        latitude = 0;
        if (!c.TryDouble(index, out longitude) || !c.TryDouble(index + 1, out latitude))
            return false;
        if (GeoHash.IsValid(longitude, latitude))
            return true;
        c.Output.WriteError($"ERR invalid longitude,latitude pair {FormatFixed(longitude, 6)},{FormatFixed(latitude, 6)}");
        return false;
    }

    /// <summary>C's "%.Nf".</summary>
    public static string FormatFixed(double value, int decimals) =>
        double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Redis's extractUnitOrReply: metres per unit, or -1 after the error.</summary>
    public static double TryUnit(CommandContext c, int index)
    {
        if (c.ArgIs(index, "M"u8)) return 1;
        if (c.ArgIs(index, "KM"u8)) return 1000;
        if (c.ArgIs(index, "FT"u8)) return 0.3048;
        if (c.ArgIs(index, "MI"u8)) return 1609.34;
        c.Output.WriteError("ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /// <summary>GEODIST key member1 member2 [M|KM|FT|MI]</summary>
    private static void GeoDist(CommandContext c)
    {
        double toMeters = 1;
        if (c.Count == 5 && (toMeters = TryUnit(c, 4)) < 0)
            return;
        if (c.Count > 5)
        {
            c.Output.WriteError(CommandErrors.Syntax);
            return;
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        if (zset is null || !zset.TryGetScore(c.Arg(2), out double score1) || !zset.TryGetScore(c.Arg(3), out double score2))
        {
            c.Output.WriteNull();
            return;
        }
        var (lon1, lat1) = GeoHash.Decode(score1);
        var (lon2, lat2) = GeoHash.Decode(score2);
        WriteDistance(c, GeoHash.Distance(lon1, lat1, lon2, lat2) / toMeters);
    }

    /// <summary>A distance as Redis sends it: a bulk string with four decimals.</summary>
    public static void WriteDistance(CommandContext c, double distance) => c.Output.WriteBulkString(FormatFixed(distance, 4));

    /// <summary>A coordinate as Redis's addReplyHumanLongDouble: "%.17Lf" trimmed, a bulk string in RESP2 and a double in RESP3.</summary>
    public static void WriteCoordinate(CommandContext c, double value)
    {
        string text = LongDouble.FromDouble(value).ToHumanString();
        if (c.Output.IsResp3)
            c.Output.WriteRaw(Encoding.ASCII.GetBytes("," + text + "\r\n"));
        else
            c.Output.WriteBulkString(text);
    }

    private static void GeoHashCommand(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
        {
            if (zset is not null && zset.TryGetScore(c.Arg(i), out double score))
                c.Output.WriteBulkString(GeoHash.ToText(score));
            else
                c.Output.WriteNull();
        }
    }

    private static void GeoPos(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out SortedSetValue? zset))
            return;
        c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
        {
            if (zset is not null && zset.TryGetScore(c.Arg(i), out double score))
            {
                var (longitude, latitude) = GeoHash.Decode(score);
                c.Output.WriteArrayHeader(2);
                WriteCoordinate(c, longitude);
                WriteCoordinate(c, latitude);
            }
            else
            {
                c.Output.WriteNullArray();
            }
        }
    }
}
