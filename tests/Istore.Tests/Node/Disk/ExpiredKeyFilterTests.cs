using System.Text;
using Istore.Node.Engine;
using Istore.Node.Engine.Disk;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// The metadata compaction filter, on a real RocksDB in this process (no grace period, so a test
/// need not wait a minute): compaction removes expired keys nobody touched and keeps the counts exact.
/// </summary>
public sealed class ExpiredKeyFilterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
    private readonly DiskEngine _engine;

    public ExpiredKeyFilterTests() =>
        _engine = new DiskEngine(new DiskEngineOptions(_directory, 8 << 20, 4 << 20, ExpiredGraceMs: 0));

    private static byte[] Key(string prefix, int i) => Encoding.ASCII.GetBytes($"{prefix}:{i}");

    [Fact]
    public async Task Compaction_drops_expired_keys_and_counts_them_out()
    {
        using var session = _engine.CreateSession();
        long soon = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 100;
        for (int i = 0; i < 1000; i++)
        {
            session.Write(Key("gone", i), "v"u8, soon);
            session.Write(Key("kept", i), "v"u8, 0);
            session.Write(Key("later", i), "v"u8, soon + 3_600_000);
        }
        Assert.Equal(3000, _engine.KeyCount);
        Assert.Equal(2000, _engine.VolatileKeyCount);
        await Task.Delay(200);

        _engine.Db.CompactAll(_engine.Metadata);

        Assert.Equal(KeyType.None, session.Peek(Key("gone", 7), out _));
        Assert.Equal(KeyType.String, session.Peek(Key("kept", 7), out _));
        Assert.Equal(KeyType.String, session.Peek(Key("later", 7), out _));
        Assert.Equal(2000, _engine.KeyCount);
        Assert.Equal(1000, _engine.VolatileKeyCount);
        Assert.Contains(("disk_engine_expired_keys_compacted", "1000"), _engine.Stats());
    }

    [Fact]
    public async Task Expired_keys_deleted_or_rewritten_before_compaction_are_counted_once()
    {
        using var session = _engine.CreateSession();
        // Far enough ahead that the keys are still live when the first compaction runs on a busy machine.
        long soon = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 2_000;
        for (int i = 0; i < 100; i++)
            session.Write(Key("k", i), "v"u8, soon);
        _engine.Db.CompactAll(_engine.Metadata);   // into an SST file while still live
        Assert.Equal(100, _engine.KeyCount);
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, soon + 100 - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        for (int i = 0; i < 50; i++)
            Assert.True(session.Delete(Key("k", i)));
        for (int i = 50; i < 60; i++)
            Assert.False(session.Write(Key("k", i), "new"u8, 0));

        _engine.Db.CompactAll(_engine.Metadata);

        Assert.Equal(10, _engine.KeyCount);
        Assert.Equal(0, _engine.VolatileKeyCount);
        var value = new ValueBuffer(16);
        Assert.Equal(KeyType.String, session.Read(Key("k", 55), ref value));
        Assert.Equal("new", Encoding.ASCII.GetString(value.Span));
    }

    [Fact]
    public void Counts_the_filter_changed_survive_a_reopen()
    {
        using (var session = _engine.CreateSession())
            session.Write("short"u8, "v"u8, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 20);
        Thread.Sleep(100);
        _engine.Db.CompactAll(_engine.Metadata);
        _engine.Maintain(CancellationToken.None);
        _engine.Dispose();

        using var reopened = new DiskEngine(new DiskEngineOptions(_directory, 8 << 20, 4 << 20, ExpiredGraceMs: 0));
        Assert.Equal(0, reopened.KeyCount);
        Assert.Equal(0, reopened.VolatileKeyCount);
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
