using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node.Streams;

// The stream suites on both engines.
public sealed class StreamCommandTestsOnMemory(NodeFixture fixture) : StreamCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class StreamCommandTestsOnDisk(DiskNodeFixture fixture) : StreamCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class StreamBlockingTestsOnMemory(NodeFixture fixture) : StreamBlockingTests(fixture), IClassFixture<NodeFixture>;
public sealed class StreamBlockingTestsOnDisk(DiskNodeFixture fixture) : StreamBlockingTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class StreamNodeSmokeTestsOnMemory(NodeFixture fixture) : StreamNodeSmokeTests(fixture), IClassFixture<NodeFixture>;
public sealed class StreamNodeSmokeTestsOnDisk(DiskNodeFixture fixture) : StreamNodeSmokeTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class StreamOracleTestsOnMemory(NodeFixture node, Net.RedisServerFixture redis)
    : StreamOracleTests(node, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class StreamOracleTestsOnDisk(DiskNodeFixture node, Net.RedisServerFixture redis)
    : StreamOracleTests(node, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class StreamDurabilityTestsOnMemory() : StreamDurabilityTests("memory");
public sealed class StreamDurabilityTestsOnDisk() : StreamDurabilityTests("disk");
