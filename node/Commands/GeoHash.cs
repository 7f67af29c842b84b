namespace Istore.Node.Commands;

/// <summary>
/// Redis's geohash arithmetic (geohash.c, geohash_helper.c): a position is a 52-bit interleave of
/// 26 latitude and 26 longitude bits over the Web Mercator range (latitude ±85.05112878), stored as
/// a sorted-set score; distances are haversine on Redis's earth radius. Same inputs, same bits,
/// same doubles as redis-server.
/// </summary>
public static class GeoHash
{
    public const double LongitudeMin = -180;
    public const double LongitudeMax = 180;
    public const double LatitudeMin = -85.05112878;
    public const double LatitudeMax = 85.05112878;
    private const int Step = 26;
    public const double EarthRadiusMeters = 6372797.560856;
    public const double DegreesToRadians = Math.PI / 180.0;

    public static bool IsValid(double longitude, double latitude) =>
        longitude >= LongitudeMin && longitude <= LongitudeMax && latitude >= LatitudeMin && latitude <= LatitudeMax;

    /// <summary>geohashEncodeWGS84 at step 26, aligned to 52 bits: the score GEOADD stores.</summary>
    public static ulong Encode(double longitude, double latitude) =>
        Encode(longitude, latitude, LatitudeMin, LatitudeMax, Step);

    /// <summary>geohashEncode: 2 × <paramref name="step"/> bits over a latitude range of [<paramref name="latitudeMin"/>, <paramref name="latitudeMax"/>].</summary>
    public static ulong Encode(double longitude, double latitude, double latitudeMin, double latitudeMax, int step)
    {
        double latitudeOffset = (latitude - latitudeMin) / (latitudeMax - latitudeMin);
        double longitudeOffset = (longitude - LongitudeMin) / (LongitudeMax - LongitudeMin);
        latitudeOffset *= 1UL << step;
        longitudeOffset *= 1UL << step;
        return Interleave((uint)latitudeOffset, (uint)longitudeOffset);
    }

    /// <summary>The centre of the cell a score names (geohashDecodeToLongLatWGS84), clamped to the valid range.</summary>
    public static (double Longitude, double Latitude) Decode(double score)
    {
        var cell = DecodeArea((ulong)score, Step);
        double longitude = Math.Clamp((cell.LongitudeMin + cell.LongitudeMax) / 2, LongitudeMin, LongitudeMax);
        double latitude = Math.Clamp((cell.LatitudeMin + cell.LatitudeMax) / 2, LatitudeMin, LatitudeMax);
        return (longitude, latitude);
    }

    /// <summary>The area a cell of <paramref name="step"/> covers (geohashDecode over the WGS84 ranges).</summary>
    public static (double LongitudeMin, double LongitudeMax, double LatitudeMin, double LatitudeMax) DecodeArea(ulong bits, int step)
    {
        ulong separated = Deinterleave(bits);
        uint latitudeCell = (uint)separated;
        uint longitudeCell = (uint)(separated >> 32);
        double latitudeScale = LatitudeMax - LatitudeMin;
        double longitudeScale = LongitudeMax - LongitudeMin;
        return (
            LongitudeMin + (longitudeCell * 1.0 / (1UL << step)) * longitudeScale,
            LongitudeMin + ((longitudeCell + 1) * 1.0 / (1UL << step)) * longitudeScale,
            LatitudeMin + (latitudeCell * 1.0 / (1UL << step)) * latitudeScale,
            LatitudeMin + ((latitudeCell + 1) * 1.0 / (1UL << step)) * latitudeScale);
    }

    /// <summary>GEOHASH's text: the decoded position re-encoded over the standard ±90 latitude range, 11 base-32 characters (the last always '0').</summary>
    public static string ToText(double score)
    {
        const string alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        var (longitude, latitude) = Decode(score);
        ulong bits = Encode(longitude, latitude, -90, 90, Step);
        var text = new char[11];
        for (int i = 0; i < 11; i++)
            text[i] = alphabet[i == 10 ? 0 : (int)((bits >> (52 - (i + 1) * 5)) & 0x1F)];
        return new string(text);
    }

    /// <summary>geohashGetDistance: haversine, with the shortcut Redis 7 takes when the longitudes are equal.</summary>
    public static double Distance(double longitude1, double latitude1, double longitude2, double latitude2)
    {
        double lon1 = longitude1 * DegreesToRadians, lon2 = longitude2 * DegreesToRadians;
        double v = Math.Sin((lon2 - lon1) / 2);
        if (v == 0.0)
            return LatitudeDistance(latitude1, latitude2);
        double lat1 = latitude1 * DegreesToRadians, lat2 = latitude2 * DegreesToRadians;
        double u = Math.Sin((lat2 - lat1) / 2);
        double a = u * u + Math.Cos(lat1) * Math.Cos(lat2) * v * v;
        return 2.0 * EarthRadiusMeters * Math.Asin(Math.Sqrt(a));
    }

    public static double LatitudeDistance(double latitude1, double latitude2) =>
        EarthRadiusMeters * Math.Abs(latitude2 * DegreesToRadians - latitude1 * DegreesToRadians);

    /// <summary>Bits of <paramref name="x"/> at even positions, of <paramref name="y"/> at odd ones.</summary>
    private static ulong Interleave(uint x, uint y) => Spread(x) | (Spread(y) << 1);

    private static ulong Spread(ulong v)
    {
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFUL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFUL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        v = (v | (v << 2)) & 0x3333333333333333UL;
        v = (v | (v << 1)) & 0x5555555555555555UL;
        return v;
    }

    /// <summary>The inverse: even bits to the low word (latitude), odd bits to the high word (longitude).</summary>
    private static ulong Deinterleave(ulong bits) => Compact(bits) | (Compact(bits >> 1) << 32);

    private static ulong Compact(ulong v)
    {
        v &= 0x5555555555555555UL;
        v = (v | (v >> 1)) & 0x3333333333333333UL;
        v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        v = (v | (v >> 4)) & 0x00FF00FF00FF00FFUL;
        v = (v | (v >> 8)) & 0x0000FFFF0000FFFFUL;
        v = (v | (v >> 16)) & 0x00000000FFFFFFFFUL;
        return v;
    }
}
