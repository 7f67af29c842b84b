using System.Diagnostics.Tracing;

namespace Istore.Perf;

/// <summary>
/// Diagnostics for the allocation check: which dispatches allocate, how much, and (from the
/// runtime's AllocationTick events, sampled about every 100 KB) which types.
/// </summary>
internal static class AllocationTrace
{
    public static int Run(int operations)
    {
        using var listener = new TickListener();
        Console.WriteLine("-- automatic checkpoints disabled (threshold 1 TB):");
        using (var quiet = new DispatchRig(checkpointLogBytes: 1L << 40))
        {
            for (int i = 0; i < 200_000; i++)
                quiet.Set();
            Trace("SET (BeforeSend every 16)", operations, quiet.Set);
        }
        Console.WriteLine("-- default checkpoint threshold (64 MB of log):");
        using var rig = new DispatchRig();
        for (int i = 0; i < 200_000; i++)
            rig.Set();
        Trace("SET (BeforeSend every 16)", operations, rig.Set);
        Trace("GET", operations, rig.Get);
        // Split a SET batch into its parts: 16 SETs (no flush) vs the BeforeSend log flush.
        var setSizes = new Dictionary<long, int>();
        var flushSizes = new Dictionary<long, int>();
        long last = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < operations / 16; b++)
        {
            for (int i = 0; i < 16; i++)
                rig.SetNoFlush();
            long mid = GC.GetAllocatedBytesForCurrentThread();
            if (mid != last) setSizes[mid - last] = setSizes.GetValueOrDefault(mid - last) + 1;
            rig.BeforeSend();
            last = GC.GetAllocatedBytesForCurrentThread();
            if (last != mid) flushSizes[last - mid] = flushSizes.GetValueOrDefault(last - mid) + 1;
        }
        Console.WriteLine($"  {operations / 16:N0} batches; in the 16 SETs: {Show(setSizes)}; in BeforeSend: {Show(flushSizes)}");
        Thread.Sleep(500);
        Console.WriteLine("AllocationTick samples (type: count) on the benchmark thread's process:");
        foreach (var (type, count) in listener.Types.OrderByDescending(p => p.Value))
            Console.WriteLine($"  {type}: {count}");
        return 0;
    }

    private static string Show(Dictionary<long, int> sizes) =>
        sizes.Count == 0 ? "nothing" : string.Join(", ", sizes.OrderByDescending(p => p.Value).Take(12).Select(p => $"{p.Key} B x{p.Value}"));

    private static void Trace(string name, int operations, Func<int> op)
    {
        var sizes = new Dictionary<long, int>();
        int allocating = 0;
        long total = 0;
        long last = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < operations; i++)
        {
            op();
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (now != last)
            {
                allocating++;
                total += now - last;
                sizes[now - last] = sizes.GetValueOrDefault(now - last) + 1;
                last = now;
            }
        }
        Console.WriteLine($"{name}: {allocating} of {operations:N0} calls allocated, {total:N0} B in all; sizes (bytes x calls): "
            + string.Join(", ", sizes.OrderByDescending(p => p.Value).Take(12).Select(p => $"{p.Key}x{p.Value}")));
    }

    private sealed class TickListener : EventListener
    {
        public readonly Dictionary<string, int> Types = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not "GCAllocationTick_V4" and not "GCAllocationTick_V3" || e.Payload is null)
                return;
            int index = e.PayloadNames!.IndexOf("TypeName");
            string type = index >= 0 ? e.Payload[index]?.ToString() ?? "?" : "?";
            lock (Types)
                Types[type] = Types.GetValueOrDefault(type) + 1;
        }
    }
}
