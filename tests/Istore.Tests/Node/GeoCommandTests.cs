using System.Globalization;
using Istore.Tests.Infrastructure;
using Istore.Tests.Net;

namespace Istore.Tests.Node;

/// <summary>
/// GEOADD GEODIST GEOHASH GEOPOS and the searches side by side with a real redis-server 7: scores
/// (the 52-bit geohash), distances, coordinates and hashes byte for byte, in RESP2 and RESP3;
/// searches in Redis's order even unsorted (its walk over geohash cells) and with COUNT … ANY;
/// STORE/STOREDIST results; bad input; the keys GETKEYS reports; random points and queries,
/// near the poles and across the antimeridian too.
/// </summary>
public abstract class GeoCommandTests(NodeFixture fixture, RedisServerFixture redis)
{
    private Task<ReplyOracle> ConnectAsync() => ReplyOracle.ConnectAsync(fixture, redis);

    private static async Task RunAsync(ReplyOracle both, params string[] script)
    {
        foreach (var line in script)
        {
            if (line.StartsWith("HELLO "))
                await both.HelloAsync(line[6..]);
            else
                await both.AgreeAsync(line.Split(' '));
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Add_distance_hash_and_position_match_redis(string protocol)
    {
        await using var both = await ConnectAsync();
        string k = $"geo:basic{protocol}";
        await RunAsync(both,
            $"HELLO {protocol}",
            $"DEL {k}",
            $"GEOADD {k} 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
            $"GEOADD {k} 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
            $"GEOADD {k} CH 13.361389 38.115556 Palermo 15.1 37.5 Catania 2.35 48.85 Paris",
            $"GEOADD {k} NX 0 0 Palermo 1 1 Null",
            $"GEOADD {k} XX CH 0 0 Null 14 38 Palermo",
            $"GEOADD {k} 180 85.05112878 Edge -180 -85.05112878 Edge2 0 0 Zero -0.0001 -0.0001 NearZero",
            $"ZRANGE {k} 0 -1 WITHSCORES",
            $"GEODIST {k} Palermo Catania", $"GEODIST {k} Palermo Catania km", $"GEODIST {k} Palermo Catania MI",
            $"GEODIST {k} Palermo Catania ft", $"GEODIST {k} Palermo Palermo", $"GEODIST {k} Edge Edge2",
            $"GEODIST {k} Palermo Nope", $"GEODIST geo:missing a b",
            $"GEOHASH {k} Palermo Catania Paris Edge Edge2 Zero NearZero Nope", $"GEOHASH geo:missing a",
            $"GEOPOS {k} Palermo Catania Paris Edge Edge2 Zero NearZero Nope", $"GEOPOS geo:missing a");
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Searches_find_what_redis_finds(string protocol)
    {
        await using var both = await ConnectAsync();
        string k = $"geo:search{protocol}";
        await RunAsync(both,
            $"HELLO {protocol}",
            $"DEL {k}",
            $"GEOADD {k} 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2 2.35 48.85 Paris");
        string[] ordered =
        [
            $"GEORADIUS {k} 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC", $"GEORADIUS {k} 15 37 200 km DESC WITHDIST",
            $"GEORADIUS {k} 15 37 200 km COUNT 1", $"GEORADIUS {k} 15 37 2000 km COUNT 3 DESC WITHCOORD",
            $"GEORADIUS_RO {k} 15 37 200000 m ASC", $"GEORADIUSBYMEMBER {k} Palermo 300 km WITHDIST ASC",
            $"GEORADIUSBYMEMBER_RO {k} Catania 150 mi DESC COUNT 2 WITHHASH",
            $"GEOSEARCH {k} FROMMEMBER Palermo BYBOX 400 400 km ASC WITHDIST",
            $"GEOSEARCH {k} FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD",
            $"GEOSEARCH {k} FROMLONLAT 15 37 BYBOX 400 400 km DESC", $"GEOSEARCH {k} FROMLONLAT 15 37 BYBOX 0 0 km ASC",
            $"GEOSEARCH {k} FROMLONLAT 15 37 BYRADIUS 200 km COUNT 5 ANY ASC",
            $"GEOSEARCH {k} FROMMEMBER Paris BYRADIUS 1 m", $"GEOSEARCH geo:missing FROMLONLAT 15 37 BYRADIUS 200 km",
            $"GEORADIUSBYMEMBER geo:missing nope abc km",
            // Without ASC/DESC or COUNT the order is Redis's walk over geohash cells; ANY stops that walk early.
            $"GEORADIUS {k} 15 37 200 km", $"GEORADIUS {k} 15 37 20000 km WITHDIST", $"GEOSEARCH {k} FROMMEMBER Catania BYBOX 1000 300 km",
            $"GEOSEARCH {k} FROMLONLAT 0 0 BYRADIUS 20000 km WITHCOORD WITHHASH", $"GEOSEARCH {k} FROMLONLAT 15 37 BYRADIUS 200 km COUNT 5 ANY",
            $"GEOSEARCH {k} FROMLONLAT 15 37 BYRADIUS 2000 km COUNT 2 ANY", $"GEOSEARCH {k} FROMLONLAT 15 37 BYRADIUS 2000 km COUNT 2 ANY DESC",
        ];
        foreach (var line in ordered)
            await both.AgreeAsync(line.Split(' '));
    }

    [Fact]
    public async Task Store_and_storedist_write_sorted_sets_like_redis()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL geo:st geo:dst geo:dst2",
            "GEOADD geo:st 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 2.35 48.85 Paris",
            "SET geo:dst x EX 100",
            "GEORADIUS geo:st 15 37 200 km STORE geo:dst", "TYPE geo:dst", "TTL geo:dst", "ZRANGE geo:dst 0 -1 WITHSCORES",
            "GEORADIUS geo:st 15 37 200 km STOREDIST geo:dst COUNT 1", "ZRANGE geo:dst 0 -1",
            "GEORADIUSBYMEMBER geo:st Paris 5000 km STORE geo:dst2 STOREDIST geo:dst", "ZRANGE geo:dst 0 -1", "EXISTS geo:dst2",
            "GEOSEARCHSTORE geo:dst2 geo:st FROMLONLAT 15 37 BYBOX 800 800 km", "ZRANGE geo:dst2 0 -1 WITHSCORES",
            "GEOSEARCHSTORE geo:dst2 geo:st FROMLONLAT 15 37 BYBOX 800 800 km STOREDIST DESC COUNT 1", "ZRANGE geo:dst2 0 -1",
            "GEOSEARCHSTORE geo:dst2 geo:st FROMLONLAT 0 0 BYRADIUS 1 m", "EXISTS geo:dst2",
            "GEORADIUS geo:missing 0 0 1 m STORE geo:dst", "EXISTS geo:dst",
            "GEOSEARCHSTORE geo:st geo:st FROMMEMBER Palermo BYRADIUS 1 km", "ZRANGE geo:st 0 -1");
    }

    [Fact]
    public async Task Bad_input_gets_redis_errors()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "DEL geo:bad geo:str",
            "SET geo:str x",
            "GEOADD geo:bad 1 2 a",
            "GEOADD geo:bad 200 10 x", "GEOADD geo:bad 10 86 x", "GEOADD geo:bad -180.5 -86 x", "GEOADD geo:bad abc 1 x",
            "GEOADD geo:bad 1 2 a 3", "GEOADD geo:bad NX XX 1 2 a", "GEOADD geo:bad GT 1 2 a", "GEOADD geo:bad 1 2 ok 200 1 bad",
            "GEOADD geo:bad inf 1 x",
            "ZRANGE geo:bad 0 -1",
            "GEOADD geo:str 1 2 a", "GEODIST geo:str a b", "GEOHASH geo:str a", "GEOPOS geo:str a", "GEORADIUS geo:str 0 0 1 km",
            "GEOSEARCH geo:str FROMLONLAT 0 0 BYRADIUS 1 km",
            "GEODIST geo:bad a a parsecs", "GEODIST geo:bad a a km extra",
            "GEORADIUS geo:bad 0 0 -1 km", "GEORADIUS geo:bad 0 0 x km", "GEORADIUS geo:bad 0 0 1 parsec", "GEORADIUS geo:bad 0 100 1 km",
            "GEORADIUS geo:bad 0 0 1 km COUNT 0", "GEORADIUS geo:bad 0 0 1 km COUNT x", "GEORADIUS geo:bad 0 0 1 km ANY",
            "GEORADIUS geo:bad 0 0 1 km BOGUS", "GEORADIUS geo:bad 0 0 1 km WITHDIST STORE geo:x", "GEORADIUS_RO geo:bad 0 0 1 km STORE geo:x",
            "GEORADIUSBYMEMBER geo:bad nope 1 km", "GEORADIUSBYMEMBER geo:bad a x km",
            "GEOSEARCH geo:bad BYRADIUS 1 km", "geosearch geo:bad FROMLONLAT 0 0", "GEOSEARCH geo:bad FROMLONLAT 0 0 FROMMEMBER a BYRADIUS 1 km",
            "GEOSEARCH geo:bad FROMMEMBER a BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH geo:bad FROMMEMBER nope BYRADIUS 1 km",
            "GEOSEARCH geo:bad FROMLONLAT 0 0 BYBOX -1 1 km", "GEOSEARCH geo:bad FROMLONLAT 0 0 BYBOX x 1 km",
            "GEOSEARCH geo:bad FROMLONLAT 0 0 BYBOX 1 y km", "GEOSEARCH geo:bad FROMLONLAT 0 0 BYRADIUS 1 km STORE geo:x",
            "GEOSEARCH geo:bad FROMLONLAT 0 0 BYRADIUS 1 km STOREDIST",
            "GEOSEARCHSTORE geo:x geo:bad FROMLONLAT 0 0 BYRADIUS 1 km WITHCOORD", "GEOSEARCHSTORE geo:x geo:missing FROMMEMBER a BYRADIUS 1 km",
            "EXISTS geo:x");
    }

    [Fact]
    public async Task Getkeys_names_the_store_destinations_as_redis_does()
    {
        await using var both = await ConnectAsync();
        await RunAsync(both,
            "COMMAND GETKEYS GEORADIUS k 0 0 1 km STORE d", "COMMAND GETKEYS GEORADIUS k 0 0 1 km STORE d STOREDIST e",
            "COMMAND GETKEYS GEORADIUS k 0 0 1 km STOREDIST e STORE d", "COMMAND GETKEYS GEORADIUS k 0 0 1 km STORE a STORE b",
            "COMMAND GETKEYS GEORADIUSBYMEMBER k store 1 km", "COMMAND GETKEYS GEORADIUSBYMEMBER k m 1 km STOREDIST d",
            "COMMAND GETKEYS GEOSEARCHSTORE d k FROMLONLAT 0 0 BYRADIUS 1 km", "COMMAND GETKEYS GEOADD k 1 2 m");
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public async Task Random_points_and_queries_give_redis_results(int seed)
    {
        await using var both = await ConnectAsync();
        var random = new Random(seed);
        string k = $"geo:rnd{seed}";
        await both.AgreeAsync("DEL", k);
        string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        // Half spread over the world, half clustered around a centre so that small searches find something.
        for (int i = 0; i < 300; i++)
        {
            bool near = i % 2 == 0;
            double lon = near ? 8 + random.NextDouble() * 4 : -180 + random.NextDouble() * 360;
            double lat = near ? 44 + random.NextDouble() * 3 : -85 + random.NextDouble() * 170;
            await both.AgreeAsync("GEOADD", k, F(lon), F(lat), $"p{i}");
        }
        string[] units = ["m", "km", "mi", "ft"];
        int found = 0;
        for (int q = 0; q < 300; q++)
        {
            var args = new List<string> { "GEOSEARCH", k };
            int where = random.Next(6);
            if (where == 0) args.AddRange(["FROMMEMBER", $"p{random.Next(300)}"]);
            else if (where == 1) args.AddRange(["FROMLONLAT", F(-180 + random.NextDouble() * 360), F(-85 + random.NextDouble() * 170)]);
            else if (where == 2) args.AddRange(["FROMLONLAT", F(random.Next(2) == 0 ? 179.9 : -179.9), F(random.Next(-80, 85))]);
            else args.AddRange(["FROMLONLAT", F(8 + random.NextDouble() * 4), F(44 + random.NextDouble() * 3)]);
            string unit = units[random.Next(units.Length)];
            double meters = random.Next(4) == 0 ? 2_000_000 + random.NextDouble() * 8_000_000 : 10_000 + random.NextDouble() * 200_000;
            double scale = unit switch { "km" => 1000, "mi" => 1609.34, "ft" => 0.3048, _ => 1 };
            if (random.Next(2) == 0) args.AddRange(["BYRADIUS", F(meters / scale), unit]);
            else args.AddRange(["BYBOX", F(meters / scale), F(random.NextDouble() * meters / scale), unit]);
            int order = random.Next(3);
            if (order > 0) args.Add(order == 1 ? "ASC" : "DESC");
            if (random.Next(3) == 0) args.AddRange(["COUNT", random.Next(1, 20).ToString()]);
            if (args.Contains("COUNT") && random.Next(3) == 0) args.Add("ANY");
            if (random.Next(2) == 0) args.Add("WITHDIST");
            if (random.Next(3) == 0) args.Add("WITHCOORD");
            if (random.Next(4) == 0) args.Add("WITHHASH");
            found += (await both.AgreeAsync([.. args])).Length > 4 ? 1 : 0;
        }
        Assert.True(found > 100, $"only {found} searches found anything");
    }

    [Fact]
    public async Task Geo_writes_and_stored_searches_survive_kill_and_restart()
    {
        await using var node = await fixture.StartNodeAsync(["--appendfsync", "always"]);
        await using (var c = await node.ConnectAsync())
        {
            Assert.Equal(":3\r\n", await c.CommandAsync("GEOADD", "gd:k", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "2.35", "48.85", "Paris"));
            Assert.Equal(":1\r\n", await c.CommandAsync("GEOADD", "gd:k", "XX", "CH", "2.36", "48.86", "Paris"));
            Assert.Equal(":2\r\n", await c.CommandAsync("GEOSEARCHSTORE", "gd:near", "gd:k", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"));
            Assert.Equal(":3\r\n", await c.CommandAsync("GEORADIUS", "gd:k", "15", "37", "5000", "km", "STORE", "gd:all"));
            Assert.Equal("+OK\r\n", await c.CommandAsync("SET", "gd:gone", "x"));
            Assert.Equal(":0\r\n", await c.CommandAsync("GEOSEARCHSTORE", "gd:gone", "gd:k", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"));
        }
        static async Task<string> DumpAsync(RawConnection c) =>
            await c.CommandAsync("ZRANGE", "gd:k", "0", "-1", "WITHSCORES") + await c.CommandAsync("ZRANGE", "gd:near", "0", "-1", "WITHSCORES")
            + await c.CommandAsync("ZRANGE", "gd:all", "0", "-1", "WITHSCORES") + await c.CommandAsync("EXISTS", "gd:gone");
        string before;
        await using (var c = await node.ConnectAsync())
            before = await DumpAsync(c);
        Assert.Contains("Catania", before);
        await node.AssertSurvivesKillAndRestartAsync(DumpAsync, before);
    }
}
