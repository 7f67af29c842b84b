using Istore.Net.Commands;
using Istore.Proxy.Stats;

namespace Istore.Proxy.Takeover;

/// <summary>
/// Per-tenant counters across a takeover: the running proxy writes every tenant's totals (bytes,
/// rejections, connections, each command's calls, errors and latency histogram); the successor
/// keeps them in a recorder of their own that its INFO and /metrics add to what it counts itself,
/// so counters continue instead of restarting at zero. Each tenant's QPS bucket goes earlier, once
/// the running proxy reads no client any more: the successor continues it instead of granting a
/// fresh second of burst.
/// </summary>
internal static class CountersCarry
{
    public static void WriteBuckets(BinaryFieldWriter writer, IReadOnlyCollection<TenantState> tenants)
    {
        writer.Int32(tenants.Count);
        foreach (var tenant in tenants)
        {
            var (rate, tokens) = tenant.Bucket.State();
            writer.String(tenant.Name);
            writer.Int32(rate);
            writer.Int64(BitConverter.DoubleToInt64Bits(tokens));
        }
    }

    public static List<(string Tenant, int Rate, double Tokens)> ReadBuckets(BinaryFieldReader reader)
    {
        var buckets = new List<(string, int, double)>();
        for (int count = reader.Int32(), i = 0; i < count; i++)
            buckets.Add((reader.String() ?? throw new InvalidDataException("a carried bucket without a tenant"), reader.Int32(), BitConverter.Int64BitsToDouble(reader.Int64())));
        return buckets;
    }

    public static void Write(BinaryFieldWriter writer, IReadOnlyCollection<TenantSnapshot> tenants)
    {
        writer.Int32(tenants.Count);
        foreach (var t in tenants)
        {
            writer.String(t.Name);
            writer.Int64(t.TotalConnections);
            writer.Int64(t.BytesIn);
            writer.Int64(t.BytesOut);
            writer.Int64(t.Rejected);
            writer.Int32(t.Commands.Count);
            foreach (var (name, c) in t.Commands)
            {
                writer.String(name);
                writer.Int64(c.Calls);
                writer.Int64(c.Errors);
                writer.Int64(c.LatencySumMicros);
                var buckets = c.Buckets;
                writer.Int32(buckets.Count(b => b != 0));
                for (int i = 0; i < buckets.Count; i++)
                    if (buckets[i] != 0)
                    {
                        writer.Int32(i);
                        writer.Int64(buckets[i]);
                    }
                writer.Int32(c.PrometheusCounts.Count);
                foreach (long count in c.PrometheusCounts)
                    writer.Int64(count);
            }
        }
    }

    /// <summary>Fills <paramref name="carried"/> and adds each tenant's connection total to its state.</summary>
    public static void Read(BinaryFieldReader reader, StatsRecorder carried, Func<string, TenantState> tenantState)
    {
        int tenants = reader.Int32();
        for (int t = 0; t < tenants; t++)
        {
            string name = reader.String() ?? throw new InvalidDataException("a carried tenant without a name");
            Interlocked.Add(ref tenantState(name).TotalConnections, reader.Int64());
            var counters = carried.For(name);
            counters.BytesIn += reader.Int64();
            counters.BytesOut += reader.Int64();
            counters.Rejected += reader.Int64();
            int commands = reader.Int32();
            for (int i = 0; i < commands; i++)
            {
                string command = reader.String() ?? "unknown";
                var c = counters.For(CommandTable.Find(command));
                c.Calls += reader.Int64();
                c.Errors += reader.Int64();
                long sum = reader.Int64();
                int buckets = reader.Int32();
                for (int b = 0; b < buckets; b++)
                {
                    int index = reader.Int32();
                    if ((uint)index >= LatencyHistogram.BucketCount)
                        throw new InvalidDataException($"latency bucket {index}");
                    c.Latency.Carry(index, reader.Int64());
                }
                int prometheus = reader.Int32();
                if (prometheus != PrometheusBuckets.Count)
                    throw new InvalidDataException($"{prometheus} Prometheus buckets, expected {PrometheusBuckets.Count}");
                for (int b = 0; b < prometheus; b++)
                    c.Latency.CarryPrometheus(b, reader.Int64(), b == 0 ? sum : 0);
            }
        }
    }
}
