using System.Text;
using Istore.Node.Engine;
using Istore.Node.Engine.Disk;

namespace Istore.Tests.Node.Disk;

/// <summary>
/// Tests on a real disk engine in this process, on a fresh directory removed afterwards: no grace
/// period for expired keys, so compaction tests need not wait a minute.
/// </summary>
public abstract class InProcessDiskTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));

    protected InProcessDiskTests()
    {
        Engine = new DiskEngine(new DiskEngineOptions(_directory, 8 << 20, 4 << 20, ExpiredGraceMs: 0));
        Session = Engine.CreateSession();
    }

    protected DiskEngine Engine { get; }

    protected IEngineSession Session { get; }

    protected static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    public void Dispose()
    {
        Session.Dispose();
        Engine.Dispose();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
