using Istore.Node.Objects;

namespace Istore.Tests.Node;

/// <summary>ScanTable in process: AddNew past the initial capacity (it once wrote into the array it had just outgrown).</summary>
public class ScanTableTests
{
    private readonly record struct Entry(byte[] Bytes) : IScanEntry
    {
        public ReadOnlySpan<byte> Key => Bytes;
    }

    [Fact]
    public void AddNew_grows_the_table_and_every_entry_is_found()
    {
        var table = new ScanTable<Entry>();
        for (int i = 0; i < 1000; i++)
            table.AddNew(new Entry(BitConverter.GetBytes(i)));
        Assert.Equal(1000, table.Count);
        for (int i = 0; i < 1000; i++)
            Assert.True(table.Contains(BitConverter.GetBytes(i)), $"entry {i} lost");
    }
}
