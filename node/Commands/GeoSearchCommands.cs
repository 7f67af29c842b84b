using System.Globalization;
using System.Text;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUSBYMEMBER (and the _RO forms), parsed and answered
/// as Redis 7's georadiusGeneric: candidates come from the geohash cells <see cref="GeoShape"/>
/// names, walked in Redis's order, so even unsorted replies and COUNT … ANY pick what Redis picks.
/// </summary>
public static class GeoSearchCommands
{
    [Flags]
    private enum Kind
    {
        Coordinates = 1,
        Member = 2,
        Search = 4,
        SearchStore = 8,
        NoStore = 16,
    }

    public static void Register(HandlerTable t)
    {
        t.Add("GEORADIUS", c => Search(c, 1, Kind.Coordinates));
        t.Add("GEORADIUS_RO", c => Search(c, 1, Kind.Coordinates | Kind.NoStore));
        t.Add("GEORADIUSBYMEMBER", c => Search(c, 1, Kind.Member));
        t.Add("GEORADIUSBYMEMBER_RO", c => Search(c, 1, Kind.Member | Kind.NoStore));
        t.Add("GEOSEARCH", c => Search(c, 1, Kind.Search));
        t.Add("GEOSEARCHSTORE", c => Search(c, 2, Kind.Search | Kind.SearchStore));
    }

    private readonly record struct Match(byte[] Member, double Score, double Distance, double Longitude, double Latitude);

    private static void Search(CommandContext c, int sourceIndex, Kind kind)
    {
        using var scope = c.Keyspace.Atomic();
        if (!c.TryRead(sourceIndex, out SortedSetValue? zset))
            return;
        var shape = new GeoShape();
        int optionsAt;
        byte[]? store = null;
        bool storeDistance = false;
        if (kind.HasFlag(Kind.Coordinates))
        {
            optionsAt = 6;
            if (!GeoCommands.TryLongitudeLatitude(c, 2, out shape.Longitude, out shape.Latitude) || !TryRadius(c, 4, shape))
                return;
        }
        else if (kind.HasFlag(Kind.Member))
        {
            optionsAt = 5;
            // A missing key still parses the options (for the kind of empty reply) but not the radius.
            if (zset is not null && (!TryMemberPosition(c, zset, 2, shape) || !TryRadius(c, 3, shape)))
                return;
        }
        else
        {
            optionsAt = kind.HasFlag(Kind.SearchStore) ? 3 : 2;
            if (kind.HasFlag(Kind.SearchStore))
                store = c.Arg(1).ToArray();
        }

        bool withDist = false, withHash = false, withCoord = false, any = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        int sort = 0;   // 0 none, 1 ascending, -1 descending
        long count = 0;
        bool search = kind.HasFlag(Kind.Search);
        bool canStore = !kind.HasFlag(Kind.NoStore) && !search;
        for (int i = optionsAt; i < c.Count; i++)
        {
            int left = c.Count - i - 1;
            if (c.ArgIs(i, "WITHDIST"u8)) withDist = true;
            else if (c.ArgIs(i, "WITHHASH"u8)) withHash = true;
            else if (c.ArgIs(i, "WITHCOORD"u8)) withCoord = true;
            else if (c.ArgIs(i, "ANY"u8)) any = true;
            else if (c.ArgIs(i, "ASC"u8)) sort = 1;
            else if (c.ArgIs(i, "DESC"u8)) sort = -1;
            else if (c.ArgIs(i, "COUNT"u8) && left >= 1)
            {
                if (!c.TryInt64(++i, out count))
                    return;
                if (count <= 0)
                {
                    c.Output.WriteError("ERR COUNT must be > 0");
                    return;
                }
            }
            else if (canStore && left >= 1 && (c.ArgIs(i, "STORE"u8) || c.ArgIs(i, "STOREDIST"u8)))
            {
                storeDistance = c.ArgIs(i, "STOREDIST"u8);
                store = c.Arg(++i).ToArray();
            }
            else if (c.ArgIs(i, "STOREDIST"u8) && kind.HasFlag(Kind.SearchStore)) storeDistance = true;
            else if (c.ArgIs(i, "FROMMEMBER"u8) && left >= 1 && search && !fromLonLat)
            {
                if (zset is not null && !TryMemberPosition(c, zset, i + 1, shape))
                    return;
                fromMember = true;
                i++;
            }
            else if (c.ArgIs(i, "FROMLONLAT"u8) && left >= 2 && search && !fromMember)
            {
                if (!GeoCommands.TryLongitudeLatitude(c, i + 1, out shape.Longitude, out shape.Latitude))
                    return;
                fromLonLat = true;
                i += 2;
            }
            else if (c.ArgIs(i, "BYRADIUS"u8) && left >= 2 && search && !byBox)
            {
                if (!TryRadius(c, i + 1, shape))
                    return;
                byRadius = true;
                i += 2;
            }
            else if (c.ArgIs(i, "BYBOX"u8) && left >= 3 && search && !byRadius)
            {
                if (!TryBox(c, i + 1, shape))
                    return;
                byBox = true;
                i += 3;
            }
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return;
            }
        }

        if (store is not null && (withDist || withHash || withCoord))
        {
            string what = kind.HasFlag(Kind.SearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
            c.Output.WriteError($"ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (search && !(fromMember || fromLonLat))
        {
            c.Output.WriteError($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {c.ArgString(0)}");
            return;
        }
        if (search && !(byRadius || byBox))
        {
            c.Output.WriteError($"ERR exactly one of BYRADIUS and BYBOX can be specified for {c.ArgString(0)}");
            return;
        }
        if (any && count == 0)
        {
            c.Output.WriteError("ERR the ANY argument requires COUNT argument");
            return;
        }

        var matches = zset is null ? [] : FindMatches(zset, shape, any ? count : 0);
        // COUNT asks for the nearest ones: it implies ascending order unless ANY took the first found.
        if (count != 0 && sort == 0 && !any)
            sort = 1;
        if (sort != 0)
            matches = [.. sort > 0 ? matches.OrderBy(m => m.Distance) : matches.OrderByDescending(m => m.Distance)];
        if (count != 0 && matches.Count > count)
            matches.RemoveRange((int)count, matches.Count - (int)count);

        if (store is not null)
            Store(c, store, matches, storeDistance ? shape.ToMeters : 0);
        else
            Reply(c, matches, shape.ToMeters, withDist, withHash, withCoord);
    }

    /// <summary>
    /// Redis's membersOfAllNeighbors: each cell's score range in ascending order, every member
    /// tested against the shape; a cell equal to the one just walked is skipped (not one equal to
    /// the centre, as in Redis); a non-zero <paramref name="limit"/> (COUNT … ANY) stops the walk.
    /// </summary>
    private static List<Match> FindMatches(SortedSetValue zset, GeoShape shape, long limit)
    {
        var matches = new List<Match>();
        var cells = shape.Cells();
        int lastWalked = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            if (cells[i].IsNone || (lastWalked != 0 && cells[i] == cells[lastWalked]))
                continue;
            if (limit > 0 && matches.Count >= limit)
                break;
            var (min, max) = cells[i].Scores;
            foreach (var blob in zset.EntriesBetween(new ScoreBound(min, IncludesEqual: false), new ScoreBound(max, IncludesEqual: false), 0, -1, reverse: false))
            {
                double score = ScoredMember.ScoreOf(blob);
                var (longitude, latitude) = GeoHash.Decode(score);
                if (!shape.Contains(longitude, latitude, out double distance))
                    continue;
                matches.Add(new Match(ScoredMember.MemberOf(blob).ToArray(), score, distance, longitude, latitude));
                if (limit > 0 && matches.Count >= limit)
                    break;
            }
            lastWalked = i;
        }
        return matches;
    }

    private static void Reply(CommandContext c, List<Match> matches, double toMeters, bool withDist, bool withHash, bool withCoord)
    {
        int extra = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        c.Output.WriteArrayHeader(matches.Count);
        foreach (var match in matches)
        {
            if (extra > 0)
                c.Output.WriteArrayHeader(extra + 1);
            c.Output.WriteBulkString(match.Member);
            if (withDist)
                GeoCommands.WriteDistance(c, match.Distance / toMeters);
            if (withHash)
                c.Output.WriteInteger((long)match.Score);
            if (withCoord)
            {
                c.Output.WriteArrayHeader(2);
                GeoCommands.WriteCoordinate(c, match.Longitude);
                GeoCommands.WriteCoordinate(c, match.Latitude);
            }
        }
    }

    /// <summary>The matches as a sorted set scored by geohash (or by distance in the unit, for STOREDIST); none deletes the destination.</summary>
    private static void Store(CommandContext c, byte[] destination, List<Match> matches, double distanceUnit)
    {
        SortedSetObject? result = null;
        var arguments = new List<byte[]>(matches.Count * 2);
        if (matches.Count > 0)
        {
            result = new SortedSetObject(matches.Count);
            foreach (var match in matches)
            {
                double score = distanceUnit > 0 ? match.Distance / distanceUnit : match.Score;
                result.Set(match.Member, score);
                arguments.Add(Encoding.ASCII.GetBytes(score.ToString("R", CultureInfo.InvariantCulture)));
                arguments.Add(match.Member);
            }
        }
        if (StoredResult.Replace(c.Keyspace, destination, result, "ZADD"u8, arguments) || result is not null)
            c.Notify(result is null ? PubSub.NotifyClass.Generic : PubSub.NotifyClass.ZSet, result is null ? "del" : c.Spec.Name == "GEOSEARCHSTORE" ? "geosearchstore" : "georadiusstore", destination);
        c.Output.WriteInteger(matches.Count);
    }

    private static bool TryMemberPosition(CommandContext c, SortedSetValue zset, int index, GeoShape shape)
    {
        if (zset.TryGetScore(c.Arg(index), out double score))
        {
            (shape.Longitude, shape.Latitude) = GeoHash.Decode(score);
            return true;
        }
        c.Output.WriteError("ERR could not decode requested zset member");
        return false;
    }

    /// <summary>Redis's extractDistanceOrReply: radius unit.</summary>
    private static bool TryRadius(CommandContext c, int index, GeoShape shape)
    {
        if (!TryMeasure(c, index, "ERR need numeric radius", out shape.Radius))
            return false;
        if (shape.Radius < 0)
        {
            c.Output.WriteError("ERR radius cannot be negative");
            return false;
        }
        shape.Box = false;
        return (shape.ToMeters = GeoCommands.TryUnit(c, index + 1)) >= 0;
    }

    /// <summary>Redis's extractBoxOrReply: width height unit.</summary>
    private static bool TryBox(CommandContext c, int index, GeoShape shape)
    {
        if (!TryMeasure(c, index, "ERR need numeric width", out shape.Width) || !TryMeasure(c, index + 1, "ERR need numeric height", out shape.Height))
            return false;
        if (shape.Height < 0 || shape.Width < 0)
        {
            c.Output.WriteError("ERR height or width cannot be negative");
            return false;
        }
        shape.Box = true;
        return (shape.ToMeters = GeoCommands.TryUnit(c, index + 2)) >= 0;
    }

    private static bool TryMeasure(CommandContext c, int index, string error, out double value)
    {
        if (RedisNumber.TryParseDouble(c.Arg(index), out value))
            return true;
        c.Output.WriteError(error);
        return false;
    }
}
