using BenchmarkDotNet.Running;
using Istore.Perf;

// dotnet run -c Release --project perf/Istore.Perf -- --filter '*' [--job short]
// dotnet run -c Release --project perf/Istore.Perf -- --alloc-check   (exact bytes per dispatched command)
if (args.Length > 0 && args[0] == "--alloc-check")
    return AllocationCheck.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000);

if (args.Length > 0 && args[0] == "--alloc-trace")
    return AllocationTrace.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000);

// perf/ranklist-compare.sh   (RL.RECALL against the ZUNIONSTORE way on redis-server)
if (args.Length == 6 && args[0] == "--ranklist-compare")
    return await RanklistCompare.Run(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));

// perf/disk-recall.sh   (issue 19: RL.RECALL DEPTH 1000 on the disk engine, data in the block cache)
if (args.Length == 8 && args[0] == "--disk-recall")
    return await DiskRecall.Run(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), int.Parse(args[6]), int.Parse(args[7]));

// perf/cross-shard-recall.sh   (issue 19: RL.RECALL through the proxy over 3 shards vs one node vs merging in the client)
if (args.Length == 7 && args[0] == "--cross-shard-recall")
    return await CrossShardRecall.Run(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), int.Parse(args[6]));

// perf/scale.sh   (issue 14: HA's key-moving rate, cut-over pause, client p99 while keys move)
if (args.Length == 6 && args[0] == "--scale")
    return await ScaleRun.Run(args[1], args[2], int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));

// perf/failover.sh   (istore-ha: unplanned failover time, switchover pause, loss, etcd leader change)
if (args.Length is 4 or 5 && args[0] == "--failover")
    return await FailoverRun.Run(args[1], args[2], int.Parse(args[3]), args.Length == 5 ? args[4] : null);

BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
return 0;
