namespace Istore.Net.Commands;

public static partial class CommandTable
{
    private static void AddGeo(List<CommandSpec> t)
    {
        const string g = "geo";
        string[] store = ["STORE", "STOREDIST"];
        const string Unit = "unit=(M | KM | FT | MI)";
        const string With = "[WITHCOORD] [WITHDIST] [WITHHASH]";
        const string Order = "order=[ASC | DESC]";
        const string Radius = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
        const string Search = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
        const string Shape = $"from=(FROMMEMBER member | FROMLONLAT (longitude:double latitude:double)) by=(circle=(BYRADIUS radius:double {Unit}) | box=(BYBOX width:double height:double {Unit})) {Order} count=[COUNT count:integer [ANY]]";
        const string Uppercase = "7.0.0 Added support for uppercase unit names.";
        const string AnyCount = "6.2.0 Added the `ANY` option for `COUNT`.";
        Add(t, g, "GEOADD", -5, W | M, 1, 1, 1, "Adds one or more members to a geospatial index. The key is created if it doesn't exist.", keys: "RW update",
            docs: Doc("3.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "key:key condition=[NX | XX]{6.2.0} [change=CH]{6.2.0} (longitude:double latitude:double member)...",
                history: ["6.2.0 Added the `CH`, `NX` and `XX` options."]));
        Add(t, g, "GEODIST", -4, R, 1, 1, 1, "Returns the distance between two members of a geospatial index.", keys: "RO access",
            docs: Doc("3.2.0", "O(log(N))", "key:key member1 member2 unit=[M | KM | FT | MI]"));
        Add(t, g, "GEOHASH", -2, R, 1, 1, 1, "Returns members from a geospatial index as geohash strings.", keys: "RO access",
            docs: Doc("3.2.0", "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", "key:key member..."));
        Add(t, g, "GEOPOS", -2, R, 1, 1, 1, "Returns the longitude and latitude of members from a geospatial index.", keys: "RO access",
            docs: Doc("3.2.0", "O(N) where N is the number of members requested.", "key:key member..."));
        t.Add(new CommandSpec("GEORADIUS", -6, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.")
        {
            KeywordKeys = store, KeywordKeyFrom = 6, Keys = "RO access i1; OW update kSTORE,6; OW update kSTOREDIST,6",
            Docs = Doc("3.2.0", Radius, $"key:key longitude:double latitude:double radius:double {Unit} {With} count=[COUNT count:integer [ANY]{{6.2.0}}] {Order} [STORE key:key] [STOREDIST key:key]",
                history: [AnyCount, Uppercase], deprecated: "6.2.0 `GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"),
        });
        Add(t, g, "GEORADIUS_RO", -6, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a coordinate.", keys: "RO access",
            docs: Doc("3.2.10", Radius, $"key:key longitude:double latitude:double radius:double {Unit} {With} count=[COUNT count:integer [ANY]{{6.2.0}}] {Order}",
                history: [AnyCount], deprecated: "6.2.0 `GEOSEARCH` with the `BYRADIUS` argument"));
        t.Add(new CommandSpec("GEORADIUSBYMEMBER", -5, W | M, 1, 1, 1, g,
            "Queries a geospatial index for members within a distance from a member, optionally stores the result.")
        {
            KeywordKeys = store, KeywordKeyFrom = 5, Keys = "RO access i1; OW update kSTORE,5; OW update kSTOREDIST,5",
            Docs = Doc("3.2.0", Radius, $"key:key member radius:double {Unit} {With} count=[COUNT count:integer [ANY]] {Order} [STORE key:key] [STOREDIST key:key]",
                history: [Uppercase], deprecated: "6.2.0 `GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"),
        });
        Add(t, g, "GEORADIUSBYMEMBER_RO", -5, R, 1, 1, 1, "Returns members from a geospatial index that are within a distance from a member.", keys: "RO access",
            docs: Doc("3.2.10", Radius, $"key:key member radius:double {Unit} {With} count=[COUNT count:integer [ANY]] {Order}",
                deprecated: "6.2.0 `GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"));
        Add(t, g, "GEOSEARCH", -7, R, 1, 1, 1, "Queries a geospatial index for members inside an area of a box or a circle.", keys: "RO access",
            docs: Doc("6.2.0", Search, $"key:key {Shape} {With}", history: [Uppercase]));
        Add(t, g, "GEOSEARCHSTORE", -8, W | M, 1, 2, 1, "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.", keys: "OW update i1; RO access i2",
            docs: Doc("6.2.0", Search, $"destination:key source:key {Shape} [STOREDIST]", history: [Uppercase]));
    }
}
