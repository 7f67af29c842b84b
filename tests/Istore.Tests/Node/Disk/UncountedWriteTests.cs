using Istore.Node.Engine.Disk;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// A plain SET while no key has an expiry writes without reading the old record: the key count is
/// recounted when asked for, exact through overwrites, deletes and a reopen; the expiry count stays exact.
/// </summary>
public sealed class UncountedWriteTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
    private DiskEngine _engine;

    public UncountedWriteTests() => _engine = Open();

    private DiskEngine Open() => new(new DiskEngineOptions(_directory, 8 << 20, 4 << 20));

    [Fact]
    public void Overwrites_and_deletes_leave_the_count_exact()
    {
        using var session = _engine.CreateSession();
        session.Write("a"u8, "1"u8, 0);
        session.Write("b"u8, "1"u8, 0);
        session.Write("a"u8, "2"u8, 0);
        Assert.Equal(2, _engine.KeyCount);

        session.Write("a"u8, "3"u8, 0);
        Assert.True(session.Delete("b"u8));
        session.Write("c"u8, "1"u8, 0);
        Assert.Equal(2, _engine.KeyCount);
    }

    [Fact]
    public void A_reopen_recounts_what_was_never_counted()
    {
        using (var session = _engine.CreateSession())
        {
            for (int i = 0; i < 100; i++)
                session.Write([(byte)'k', (byte)(i % 40)], "v"u8, 0);
        }
        _engine.Dispose();

        _engine = Open();
        Assert.Equal(40, _engine.KeyCount);
    }

    [Fact]
    public void Overwriting_a_key_with_an_expiry_counts_the_expiry_out()
    {
        using var session = _engine.CreateSession();
        long later = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000;
        session.Write("plain"u8, "v"u8, 0);
        session.Write("volatile"u8, "v"u8, later);
        Assert.Equal(1, _engine.VolatileKeyCount);

        session.Write("volatile"u8, "v"u8, 0);
        Assert.Equal(0, _engine.VolatileKeyCount);
        Assert.Equal(2, _engine.KeyCount);
    }

    [Fact]
    public void The_estimate_lies_between_the_counted_keys_and_all_the_uncounted_writes_and_survives_a_reopen()
    {
        using (var session = _engine.CreateSession())
        {
            for (int i = 0; i < 10; i++)
                session.Write([(byte)'k', (byte)i], "v"u8, 0);
            Assert.InRange(_engine.EstimatedKeyCount, 0, 10);
            Assert.Equal(10, _engine.KeyCount);
            Assert.True(session.Delete([(byte)'k', 0]));
            Assert.Equal(9, _engine.EstimatedKeyCount);
            for (int i = 1; i < 6; i++)
                session.Write([(byte)'k', (byte)i], "again"u8, 0);
            Assert.InRange(_engine.EstimatedKeyCount, 9, 14);
        }
        _engine.Dispose();

        _engine = Open();
        Assert.True(_engine.EstimatedKeyCount >= 9);
        Assert.Equal(9, _engine.KeyCount);
        Assert.Equal(9, _engine.EstimatedKeyCount);
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
