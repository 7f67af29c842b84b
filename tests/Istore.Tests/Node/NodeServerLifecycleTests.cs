using Istore.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Istore.Tests.Node;

/// <summary>Hosting a node in-process (benchmarks do): constructing and disposing without serving must be clean.</summary>
public class NodeServerLifecycleTests
{
    [Fact]
    public void A_node_that_never_started_disposes_cleanly_and_its_data_reopens()
    {
        var dir = Path.Combine(Path.GetTempPath(), "istore-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var node = new NodeServer(new NodeOptions { Port = 0, Directory = dir }, NullLoggerFactory.Instance);
            node.Dispose();
            node.Dispose();   // a second Dispose must not close file descriptors again
            // Reopening proves the log and the engine released their files.
            using var again = new NodeServer(new NodeOptions { Port = 0, Directory = dir }, NullLoggerFactory.Instance);
            Assert.Equal(0, again.Database.Engine.KeyCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
