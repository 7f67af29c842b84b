namespace Istore.Tests.Infrastructure;

/// <summary>Readers on connections of their own check what they see, round after round, while a test writes.</summary>
public static class ConcurrentReaders
{
    /// <summary>
    /// Runs <paramref name="write"/> while <paramref name="readers"/> connections each repeat
    /// <paramref name="check"/> (which asserts); fails if too few rounds ran beside the writes to mean anything.
    /// </summary>
    public static async Task RunAsync(NodeProcess node, int readers, Func<RawConnection, Task> check, Func<Task> write)
    {
        using var stop = new CancellationTokenSource();
        var rounds = Enumerable.Range(0, readers).Select(_ => Task.Run(async () =>
        {
            await using var c = await node.ConnectAsync();
            long done = 0;
            for (; !stop.IsCancellationRequested; done++)
                await check(c);
            return done;
        })).ToArray();
        try
        {
            await write();
        }
        finally
        {
            stop.Cancel();
        }
        long total = (await Task.WhenAll(rounds)).Sum();
        Assert.True(total > 25, $"only {total} rounds of reads ran alongside the writes");
    }
}
