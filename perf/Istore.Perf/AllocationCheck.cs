namespace Istore.Perf;

/// <summary>
/// MemoryDiagnoser rounds to whole bytes per operation; this counts every byte the benchmark thread
/// allocates over N dispatches (after a warm-up), so an allocation that happens only now and then
/// (a log flush, a checkpoint, a buffer growth) still shows. Exit code 1 if anything allocated.
/// </summary>
internal static class AllocationCheck
{
    public static int Run(int operations)
    {
        int failures = 0;
        Console.WriteLine("node with default options (automatic checkpoint every 64 MB of append-only log):");
        using (var rig = new DispatchRig())
        {
            failures += Measure("GET (hit, 64 B value)", operations, rig.Get);
            failures += Measure("GET (miss)", operations, rig.GetMiss);
            failures += Measure("SET 64 B (BeforeSend every 16)", operations, rig.Set);
            failures += Measure("SET x16 + BeforeSend, per batch", operations / 16, () =>
            {
                for (int i = 0; i < 16; i++) rig.SetNoFlush();
                return rig.BeforeSend();
            });
            failures += Measure("parse+execute pipeline of 16, per batch", operations / 16, rig.ParseExecutePipeline16);
            failures += Measure("SET 64 B, log never flushed by this thread", operations, rig.SetNoFlush);
        }
        Console.WriteLine("node with automatic checkpoints disabled (threshold 1 TB):");
        using (var rig = new DispatchRig(checkpointLogBytes: 1L << 40))
        {
            failures += Measure("SET 64 B (BeforeSend every 16)", operations, rig.Set);
            failures += Measure("parse+execute pipeline of 16, per batch", operations / 16, rig.ParseExecutePipeline16);
        }
        return failures == 0 ? 0 : 1;
    }

    private static int Measure(string name, int operations, Func<int> op)
    {
        for (int i = 0; i < 200_000; i++)
            op();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < operations; i++)
            op();
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"  {name,-44} {operations,10:N0} ops  {bytes,13:N0} B total  {(double)bytes / operations,10:F4} B/op");
        return bytes == 0 ? 0 : 1;
    }
}
