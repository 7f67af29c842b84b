using System.Text;
using Istore.Node.Engine.Disk.Native;

namespace Istore.Tests.Node.Disk;

/// <summary>The RocksDB binding itself, on a real database in this process: batches, pinned reads, snapshots, bounded iterators, errors.</summary>
public sealed class RocksDbBindingTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
    private readonly RocksDb _db;
    private readonly ColumnFamily _family;

    public RocksDbBindingTests()
    {
        Directory.CreateDirectory(_path);
        _db = RocksDb.Open(_path, new DatabaseOptions(1 << 20, 1 << 20, Compression.Zstd), [new ColumnFamilyOptions("default"), new ColumnFamilyOptions("data")]);
        _family = _db.Family("data");
    }

    private static byte[] B(string text) => Encoding.ASCII.GetBytes(text);

    private string? Get(string key)
    {
        if (!_db.TryGet(_family, B(key), out var value))
            return null;
        using (value)
            return Encoding.ASCII.GetString(value.Span);
    }

    [Fact]
    public void A_batch_applies_all_its_writes_and_a_snapshot_keeps_the_view_before_it()
    {
        using var batch = new WriteBatch();
        batch.Put(_family, B("a"), B("1"));
        batch.Put(_family, B("b"), B("2"));
        Assert.Equal(2, batch.Count);
        _db.Write(batch);
        using var snapshot = _db.CreateSnapshot();

        batch.Clear();
        batch.Delete(_family, B("a"));
        batch.DeleteRange(_family, B("b"), B("c"));
        batch.Put(_family, B("c"), B("3"));
        _db.Write(batch);

        Assert.Null(Get("a"));
        Assert.Null(Get("b"));
        Assert.Equal("3", Get("c"));
        using var before = _db.NewIterator(_family, snapshot: snapshot);
        Assert.Equal(["a=1", "b=2"], Pairs(before));
    }

    [Fact]
    public void An_iterator_stops_at_its_upper_bound()
    {
        using var batch = new WriteBatch();
        foreach (var key in new[] { "k1", "k2", "k3", "l1" })
            batch.Put(_family, B(key), B(key.ToUpperInvariant()));
        _db.Write(batch);
        using var iterator = _db.NewIterator(_family, upperBound: B("k3"));
        iterator.Seek(B("k2"));
        Assert.Equal(["k2=K2"], Pairs(iterator, seek: false));
        using var all = _db.NewIterator(_family);
        all.SeekToLast();
        Assert.Equal("l1", Encoding.ASCII.GetString(all.Key));
    }

    [Fact]
    public void Rocksdb_errors_become_exceptions_with_rocksdbs_message()
    {
        var error = Assert.Throws<RocksDbException>(() => RocksDb.Open(_path, new DatabaseOptions(1 << 20, 1 << 20), [new ColumnFamilyOptions("default"), new ColumnFamilyOptions("data")]));
        Assert.StartsWith("RocksDB: IO error: ", error.Message);
        Assert.Contains("LOCK", error.Message);
    }

    private static List<string> Pairs(Iterator iterator, bool seek = true)
    {
        if (seek)
            iterator.SeekToFirst();
        var pairs = new List<string>();
        for (; iterator.Valid; iterator.Next())
            pairs.Add(Encoding.ASCII.GetString(iterator.Key) + "=" + Encoding.ASCII.GetString(iterator.Value));
        iterator.ThrowIfError();
        return pairs;
    }

    public void Dispose()
    {
        _db.Dispose();
        Directory.Delete(_path, recursive: true);
    }
}
