namespace Istore.Node.Commands;

/// <summary>
/// A GEOSEARCH area — a circle or a box around a centre — with Redis's membership test
/// (geoWithinShape) and the geohash cells Redis walks to find candidates
/// (geohashCalculateAreasByShapeWGS84): the centre's cell at a step estimated from the size, and
/// its eight neighbours minus those the area cannot reach. Walking the same cells in the same
/// order gives Redis's order for unsorted replies and its choice for COUNT … ANY.
/// </summary>
internal sealed class GeoShape
{
    private const double MercatorMax = 20037726.37;

    public double Longitude;
    public double Latitude;
    public bool Box;
    public double Radius;
    public double Width;
    public double Height;
    public double ToMeters = 1;

    /// <summary>A geohash cell of 2 × Step bits; Step 0 marks a cell left out.</summary>
    public readonly record struct Cell(ulong Bits, int Step)
    {
        public bool IsNone => Bits == 0 && Step == 0;

        /// <summary>The sorted-set scores inside the cell: [Min, Max).</summary>
        public (double Min, double Max) Scores => ((double)(Bits << (52 - Step * 2)), (double)((Bits + 1) << (52 - Step * 2)));
    }

    /// <summary>Redis's geoWithinShape: the distance in metres when the point is inside.</summary>
    public bool Contains(double longitude, double latitude, out double distance)
    {
        distance = 0;
        if (!Box)
        {
            distance = GeoHash.Distance(Longitude, Latitude, longitude, latitude);
            return distance <= Radius * ToMeters;
        }
        if (GeoHash.LatitudeDistance(latitude, Latitude) > Height * ToMeters / 2)
            return false;
        if (GeoHash.Distance(longitude, latitude, Longitude, latitude) > Width * ToMeters / 2)
            return false;
        distance = GeoHash.Distance(Longitude, Latitude, longitude, latitude);
        return true;
    }

    /// <summary>The cells to search, in Redis's order: centre, N, S, E, W, NE, NW, SE, SW (left-out ones as <see cref="Cell.IsNone"/>).</summary>
    public Cell[] Cells()
    {
        var (minLongitude, minLatitude, maxLongitude, maxLatitude) = BoundingBox();
        double radius = Box ? Math.Sqrt(Width / 2 * (Width / 2) + Height / 2 * (Height / 2)) : Radius;
        int step = EstimateStep(radius * ToMeters, Latitude);
        var cells = Neighbourhood(step);
        var north = Area(cells[1]);
        var south = Area(cells[2]);
        var east = Area(cells[3]);
        var west = Area(cells[4]);
        // Near the edge of its cell the area may reach past the neighbours: one step coarser then.
        bool coarser = north.LatitudeMax < maxLatitude || south.LatitudeMin > minLatitude
            || east.LongitudeMax < maxLongitude || west.LongitudeMin > minLongitude;
        if (step > 1 && coarser)
            cells = Neighbourhood(--step);
        if (step >= 2)
        {
            var centre = Area(cells[0]);
            if (centre.LatitudeMin < minLatitude) Drop(cells, 2, 7, 8);
            if (centre.LatitudeMax > maxLatitude) Drop(cells, 1, 5, 6);
            if (centre.LongitudeMin < minLongitude) Drop(cells, 4, 8, 6);
            if (centre.LongitudeMax > maxLongitude) Drop(cells, 3, 7, 5);
        }
        return cells;
    }

    private static void Drop(Cell[] cells, params ReadOnlySpan<int> which)
    {
        foreach (int i in which)
            cells[i] = default;
    }

    private static (double LongitudeMin, double LongitudeMax, double LatitudeMin, double LatitudeMax) Area(Cell cell) =>
        GeoHash.DecodeArea(cell.Bits, cell.Step);

    private Cell[] Neighbourhood(int step)
    {
        var centre = new Cell(GeoHash.Encode(Longitude, Latitude, GeoHash.LatitudeMin, GeoHash.LatitudeMax, step), step);
        return
        [
            centre,
            Move(centre, 0, 1), Move(centre, 0, -1), Move(centre, 1, 0), Move(centre, -1, 0),
            Move(centre, 1, 1), Move(centre, -1, 1), Move(centre, 1, -1), Move(centre, -1, -1),
        ];
    }

    /// <summary>geohash_move_x / geohash_move_y: longitude bits are the odd ones, latitude the even ones; both wrap.</summary>
    private static Cell Move(Cell cell, int dx, int dy)
    {
        ulong bits = cell.Bits;
        int shift = 64 - cell.Step * 2;
        if (dx != 0)
        {
            ulong x = bits & 0xAAAAAAAAAAAAAAAAUL, y = bits & 0x5555555555555555UL;
            ulong zz = 0x5555555555555555UL >> shift;
            x = dx > 0 ? x + (zz + 1) : (x | zz) - (zz + 1);
            x &= 0xAAAAAAAAAAAAAAAAUL >> shift;
            bits = x | y;
        }
        if (dy != 0)
        {
            ulong x = bits & 0xAAAAAAAAAAAAAAAAUL, y = bits & 0x5555555555555555UL;
            ulong zz = 0xAAAAAAAAAAAAAAAAUL >> shift;
            y = dy > 0 ? y + (zz + 1) : (y | zz) - (zz + 1);
            y &= 0x5555555555555555UL >> shift;
            bits = x | y;
        }
        return cell with { Bits = bits };
    }

    /// <summary>geohashEstimateStepsByRadius: the finest step whose cells still span the radius, coarser towards the poles.</summary>
    private static int EstimateStep(double rangeMeters, double latitude)
    {
        if (rangeMeters == 0)
            return 26;
        int step = 1;
        while (rangeMeters < MercatorMax)
        {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (latitude > 66 || latitude < -66)
        {
            step--;
            if (latitude > 80 || latitude < -80)
                step--;
        }
        return Math.Clamp(step, 1, 26);
    }

    /// <summary>geohashBoundingBox: the area's extent in degrees (longitudes widen away from the equator).</summary>
    private (double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude) BoundingBox()
    {
        double height = ToMeters * (Box ? Height / 2 : Radius);
        double width = ToMeters * (Box ? Width / 2 : Radius);
        double latitudeDelta = height / GeoHash.EarthRadiusMeters / GeoHash.DegreesToRadians;
        double longitudeDeltaTop = width / GeoHash.EarthRadiusMeters / Math.Cos((Latitude + latitudeDelta) * GeoHash.DegreesToRadians) / GeoHash.DegreesToRadians;
        double longitudeDeltaBottom = width / GeoHash.EarthRadiusMeters / Math.Cos((Latitude - latitudeDelta) * GeoHash.DegreesToRadians) / GeoHash.DegreesToRadians;
        bool southern = Latitude < 0;
        double longitudeDelta = southern ? longitudeDeltaBottom : longitudeDeltaTop;
        return (Longitude - longitudeDelta, Latitude - latitudeDelta, Longitude + longitudeDelta, Latitude + latitudeDelta);
    }
}
