namespace Istore.Net.Server;

/// <summary>
/// The managed heap as INFO's Memory section shows it in every istore process, so RSS growth can
/// be told apart into live data, garbage the GC has not collected yet, and its pauses.
/// </summary>
public static class GcInfo
{
    public static IEnumerable<(string Name, string Value)> Fields()
    {
        var gc = GC.GetGCMemoryInfo();
        yield return ("gc_heap_size_bytes", gc.HeapSizeBytes.ToString());
        yield return ("gc_committed_bytes", gc.TotalCommittedBytes.ToString());
        yield return ("gc_fragmented_bytes", gc.FragmentedBytes.ToString());
        // Per generation after the last collection: gen0, gen1, gen2, large objects, pinned objects.
        yield return ("gc_generation_bytes", string.Join(',', Enumerable.Range(0, gc.GenerationInfo.Length).Select(g => gc.GenerationInfo[g].SizeAfterBytes)));
        yield return ("gc_collections", $"{GC.CollectionCount(0)},{GC.CollectionCount(1)},{GC.CollectionCount(2)}");
        yield return ("gc_pause_total_ms", ((long)GC.GetTotalPauseDuration().TotalMilliseconds).ToString());
        yield return ("gc_server", System.Runtime.GCSettings.IsServerGC ? "1" : "0");
        yield return ("gc_latency_mode", System.Runtime.GCSettings.LatencyMode.ToString().ToLowerInvariant());   // batch: no background GC
    }
}
