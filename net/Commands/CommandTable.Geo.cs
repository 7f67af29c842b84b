namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddGeo(List<CommandSpec> t)
    {
        const string g = "geo";
        string[] store = ["STORE", "STOREDIST"];
        Add(t, g, "GEOADD", -5, W | M, 1, 1, 1, "Adds one or more members to a geospatial index. The key is created if it doesn't exist.", keys: "RW update");
        Add(t, g, "GEODIST", -4, R, 1, 1, 1, "Returns the distance between two members of a geospatial index.", keys: "RO access");
        Add(t, g, "GEOHASH", -2, R, 1, 1, 1, "Returns members from a geospatial index as geohash strings.", keys: "RO access");
        Add(t, g, "GEOPOS", -2, R, 1, 1, 1, "Returns the longitude and latitude of members from a geospatial index.", keys: "RO access");
        t.Add(new CommandSpec("GEORADIUS", -6, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.")
        { KeywordKeys = store, KeywordKeyFrom = 6, Keys = "RO access i1; OW update kSTORE,6; OW update kSTOREDIST,6" });
        Add(t, g, "GEORADIUS_RO", -6, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a coordinate.", keys: "RO access");
        t.Add(new CommandSpec("GEORADIUSBYMEMBER", -5, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a member, optionally stores the result.")
        { KeywordKeys = store, KeywordKeyFrom = 5, Keys = "RO access i1; OW update kSTORE,5; OW update kSTOREDIST,5" });
        Add(t, g, "GEORADIUSBYMEMBER_RO", -5, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a member.", keys: "RO access");
        Add(t, g, "GEOSEARCH", -7, R, 1, 1, 1, "Queries a geospatial index for members inside an area of a box or a circle.", keys: "RO access");
        Add(t, g, "GEOSEARCHSTORE", -8, W | M, 1, 2, 1, "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.", keys: "OW update i1; RO access i2");
    }
}
