namespace Istore.Tests.Infrastructure;

/// <summary>A <see cref="NodeFixture"/> whose nodes run the disk engine (RocksDB).</summary>
public sealed class DiskNodeFixture : NodeFixture
{
    public override string Engine => "disk";
}
