using System.Text;
using Istore.Ranklist;

namespace Istore.Tests.Ranklist;

/// <summary>RL.PARTIAL's binary rows: what the node writes the proxy reads back exactly (infinities and -0 included), and a cut or corrupt string is refused, not misread.</summary>
public class PartialRowFormatTests
{
    [Fact]
    public void Rows_round_trip_bit_for_bit()
    {
        var rows = new PartialRows(3, 2);
        rows.Set(0, 0, double.PositiveInfinity);
        rows.Set(0, 1, -0.0);
        rows.Set(2, 1, 1e-310);
        byte[][] members = [Encoding.UTF8.GetBytes("a"), [], Encoding.UTF8.GetBytes("ünï\r\n")];
        var blob = new byte[PartialRowFormat.SizeOf(rows, members)];
        PartialRowFormat.Write(rows, members, blob);

        var read = new List<(byte[] Member, double?[] Scores)>();
        PartialRowFormat.Read(blob, 2, read);
        Assert.Equal(members, read.Select(row => row.Member));
        Assert.Equal([BitConverter.DoubleToInt64Bits(double.PositiveInfinity), BitConverter.DoubleToInt64Bits(-0.0)],
            read[0].Scores.Select(score => BitConverter.DoubleToInt64Bits(score!.Value)));
        Assert.Equal([null, null], read[1].Scores);
        Assert.Equal([null, 1e-310], read[2].Scores);
    }

    [Fact]
    public void Cut_or_corrupt_rows_are_refused()
    {
        var rows = new PartialRows(1, 2);
        rows.Set(0, 1, 2.5);
        byte[][] members = [Encoding.UTF8.GetBytes("member")];
        var blob = new byte[PartialRowFormat.SizeOf(rows, members)];
        PartialRowFormat.Write(rows, members, blob);
        for (int cut = 1; cut < blob.Length; cut++)
            Assert.Throws<InvalidOperationException>(() => PartialRowFormat.Read(blob.AsSpan(0, cut), 2, []));
        var corrupt = (byte[])blob.Clone();
        corrupt[10] = 7;   // the first list's flag: neither 0 nor 1
        Assert.Throws<InvalidOperationException>(() => PartialRowFormat.Read(corrupt, 2, []));
        corrupt = (byte[])blob.Clone();
        corrupt[3] = 0x80;   // a negative member length
        Assert.Throws<InvalidOperationException>(() => PartialRowFormat.Read(corrupt, 2, []));
    }
}
