using Istore.Node.Engine;
using Istore.Node.Engine.Memory;

namespace Istore.Tests.Node;

/// <summary>
/// A full sync walks every key of the memory engine (<see cref="DatasetEntries.ForEachKey"/> over
/// its scan). An array per key there was 80 MB of garbage for a million keys, which the GC let pile
/// up before collecting: the master's RSS grew by half while a replica synced.
/// </summary>
public sealed class KeyWalkAllocationTests : IDisposable
{
    private const int Keys = 20_000;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-keywalk-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Walking_every_key_allocates_nothing_per_key()
    {
        using var engine = new MemoryEngine(new MemoryEngineOptions(_directory, 64 << 20, 1 << 20, MemoryEngineOptions.DefaultPageBytes));
        using var session = engine.CreateSession();
        byte[] value = new byte[64];
        for (int i = 0; i < Keys; i++)
            session.Write(System.Text.Encoding.ASCII.GetBytes($"key:{i}"), value, expireAt: 0);

        Assert.Equal(Keys, Walk(session, out _));   // the first walk sizes the reused buffers
        Assert.Equal(Keys, Walk(session, out long allocated));
        Assert.True(allocated < Keys * 4L, $"{allocated} bytes allocated walking {Keys} keys");
    }

    private static int Walk(IEngineSession session, out long allocated)
    {
        int seen = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        DatasetEntries.ForEachKey(session, writtenByCaller: null, (_, type, stringValue, _, _) =>
        {
            if (type == KeyType.String && stringValue.Length == 64)
                seen++;
        });
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return seen;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
