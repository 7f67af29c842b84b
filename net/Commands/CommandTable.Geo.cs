namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddGeo(List<CommandSpec> t)
    {
        const string g = "geo";
        string[] store = ["STORE", "STOREDIST"];
        Add(t, g, "GEOADD", -5, W | M, 1, 1, 1, "Adds one or more members to a geospatial index. The key is created if it doesn't exist.");
        Add(t, g, "GEODIST", -4, R, 1, 1, 1, "Returns the distance between two members of a geospatial index.");
        Add(t, g, "GEOHASH", -2, R, 1, 1, 1, "Returns members from a geospatial index as geohash strings.");
        Add(t, g, "GEOPOS", -2, R, 1, 1, 1, "Returns the longitude and latitude of members from a geospatial index.");
        t.Add(new CommandSpec("GEORADIUS", -6, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.")
        { KeywordKeys = store, KeywordKeyFrom = 6 });
        Add(t, g, "GEORADIUS_RO", -6, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a coordinate.");
        t.Add(new CommandSpec("GEORADIUSBYMEMBER", -5, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a member, optionally stores the result.")
        { KeywordKeys = store, KeywordKeyFrom = 5 });
        Add(t, g, "GEORADIUSBYMEMBER_RO", -5, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a member.");
        Add(t, g, "GEOSEARCH", -7, R, 1, 1, 1, "Queries a geospatial index for members inside an area of a box or a circle.");
        Add(t, g, "GEOSEARCHSTORE", -8, W | M, 1, 2, 1, "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.");
    }
}
