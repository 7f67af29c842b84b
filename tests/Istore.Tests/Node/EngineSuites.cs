using Istore.Tests.Infrastructure;

namespace Istore.Tests.Node;

// The engine-agnostic command suites, each run once per engine: the engines must give identical replies.

public sealed class StringCommandTestsOnMemory(NodeFixture fixture) : StringCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class StringCommandTestsOnDisk(DiskNodeFixture fixture) : StringCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class StringCommandEdgeTestsOnMemory(NodeFixture fixture) : StringCommandEdgeTests(fixture), IClassFixture<NodeFixture>;
public sealed class StringCommandEdgeTestsOnDisk(DiskNodeFixture fixture) : StringCommandEdgeTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class KeyCommandTestsOnMemory(NodeFixture fixture) : KeyCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class KeyCommandTestsOnDisk(DiskNodeFixture fixture) : KeyCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class KeyExpiryTestsOnMemory(NodeFixture fixture) : KeyExpiryTests(fixture), IClassFixture<NodeFixture>;
public sealed class KeyExpiryTestsOnDisk(DiskNodeFixture fixture) : KeyExpiryTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class ConnectionCommandTestsOnMemory(NodeFixture fixture) : ConnectionCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class ConnectionCommandTestsOnDisk(DiskNodeFixture fixture) : ConnectionCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class ServerCommandTestsOnMemory(NodeFixture fixture) : ServerCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class ServerCommandTestsOnDisk(DiskNodeFixture fixture) : ServerCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class NodeSmokeTestsOnMemory(NodeFixture fixture) : NodeSmokeTests(fixture), IClassFixture<NodeFixture>;
public sealed class NodeSmokeTestsOnDisk(DiskNodeFixture fixture) : NodeSmokeTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class HashCommandTestsOnMemory(NodeFixture fixture) : HashCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class HashCommandTestsOnDisk(DiskNodeFixture fixture) : HashCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SetCommandTestsOnMemory(NodeFixture fixture) : SetCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class SetCommandTestsOnDisk(DiskNodeFixture fixture) : SetCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SetAlgebraTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : SetAlgebraTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class SetAlgebraTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : SetAlgebraTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ChangesSinceSaveTestsOnMemory(NodeFixture fixture) : ChangesSinceSaveTests(fixture), IClassFixture<NodeFixture>;
public sealed class ChangesSinceSaveTestsOnDisk(DiskNodeFixture fixture) : ChangesSinceSaveTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class MonitorTestsOnMemory(NodeFixture fixture) : MonitorTests(fixture), IClassFixture<NodeFixture>;
public sealed class MonitorTestsOnDisk(DiskNodeFixture fixture) : MonitorTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class IntsetOrderTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : IntsetOrderTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class IntsetOrderTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : IntsetOrderTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class SetDurabilityTestsOnMemory() : SetDurabilityTests("memory");
public sealed class SetDurabilityTestsOnDisk() : SetDurabilityTests("disk");

public sealed class ListCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ListCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ListCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ListCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ListBlockingTestsOnMemory(NodeFixture fixture) : ListBlockingTests(fixture), IClassFixture<NodeFixture>;
public sealed class ListBlockingTestsOnDisk(DiskNodeFixture fixture) : ListBlockingTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class ListDurabilityTestsOnMemory() : ListDurabilityTests("memory");
public sealed class ListDurabilityTestsOnDisk() : ListDurabilityTests("disk");

public sealed class TransactionTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : TransactionTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class TransactionTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : TransactionTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class PubSubTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : PubSubTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class PubSubTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : PubSubTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ShardPubSubTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ShardPubSubTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ShardPubSubTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ShardPubSubTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class PipelineTestsOnMemory(NodeFixture fixture) : PipelineTests(fixture), IClassFixture<NodeFixture>;
public sealed class PipelineTestsOnDisk(DiskNodeFixture fixture) : PipelineTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class BadInputTestsOnMemory(NodeFixture fixture) : BadInputTests(fixture), IClassFixture<NodeFixture>;
public sealed class BadInputTestsOnDisk(DiskNodeFixture fixture) : BadInputTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SortedSetCommandTestsOnMemory(NodeFixture fixture) : SortedSetCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class SortedSetCommandTestsOnDisk(DiskNodeFixture fixture) : SortedSetCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SortedSetRangeTestsOnMemory(NodeFixture fixture) : SortedSetRangeTests(fixture), IClassFixture<NodeFixture>;
public sealed class SortedSetRangeTestsOnDisk(DiskNodeFixture fixture) : SortedSetRangeTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SortedSetStoreTestsOnMemory(NodeFixture fixture) : SortedSetStoreTests(fixture), IClassFixture<NodeFixture>;
public sealed class SortedSetStoreTestsOnDisk(DiskNodeFixture fixture) : SortedSetStoreTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SortedSetBlockingTestsOnMemory(NodeFixture fixture) : SortedSetBlockingTests(fixture), IClassFixture<NodeFixture>;
public sealed class SortedSetBlockingTestsOnDisk(DiskNodeFixture fixture) : SortedSetBlockingTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class SortedSetOracleTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : SortedSetOracleTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class SortedSetOracleTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : SortedSetOracleTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class SortedSetDurabilityTestsOnMemory() : SortedSetDurabilityTests("memory");
public sealed class SortedSetDurabilityTestsOnDisk() : SortedSetDurabilityTests("disk");

public sealed class CollectionNodeSmokeTestsOnMemory(NodeFixture fixture) : CollectionNodeSmokeTests(fixture), IClassFixture<NodeFixture>;
public sealed class CollectionNodeSmokeTestsOnDisk(DiskNodeFixture fixture) : CollectionNodeSmokeTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class BitmapCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : BitmapCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class BitmapCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : BitmapCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class HyperLogLogTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : HyperLogLogTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class HyperLogLogTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : HyperLogLogTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class SortCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : SortCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class SortCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : SortCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class GeoCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : GeoCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class GeoCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : GeoCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ScriptingTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ScriptingTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ScriptingTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ScriptingTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class KeyspaceNotificationTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : KeyspaceNotificationTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class KeyspaceNotificationTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : KeyspaceNotificationTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ClientTrackingTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ClientTrackingTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ClientTrackingTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ClientTrackingTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class AdminCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : AdminCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class AdminCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : AdminCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class LatencyHistogramTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : LatencyHistogramTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class LatencyHistogramTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : LatencyHistogramTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class DumpRestoreTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : DumpRestoreTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class DumpRestoreTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : DumpRestoreTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class DumpBytesOracleTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : DumpBytesOracleTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class DumpBytesOracleTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : DumpBytesOracleTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class MigrateTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : MigrateTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class MigrateTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : MigrateTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class RankListCommandTestsOnMemory(NodeFixture fixture) : RankListCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class RankListCommandTestsOnDisk(DiskNodeFixture fixture) : RankListCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class RankListRecallTestsOnMemory(NodeFixture fixture) : RankListRecallTests(fixture), IClassFixture<NodeFixture>;
public sealed class RankListRecallTestsOnDisk(DiskNodeFixture fixture) : RankListRecallTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class BloomCommandTestsOnMemory(NodeFixture fixture) : BloomCommandTests(fixture), IClassFixture<NodeFixture>;
public sealed class BloomCommandTestsOnDisk(DiskNodeFixture fixture) : BloomCommandTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class RankListDurabilityTestsOnMemory() : RankListDurabilityTests("memory");
public sealed class RankListDurabilityTestsOnDisk() : RankListDurabilityTests("disk");

public sealed class RankListNodeSmokeTestsOnMemory() : RankListNodeSmokeTests("memory");
public sealed class RankListNodeSmokeTestsOnDisk() : RankListNodeSmokeTests("disk");

public sealed class AclTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : AclTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class AclTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : AclTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ExplicitMaxMemoryTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ExplicitMaxMemoryTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ExplicitMaxMemoryTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ExplicitMaxMemoryTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ClusterCommandTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ClusterCommandTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ClusterCommandTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ClusterCommandTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ScriptErrorReportingTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ScriptErrorReportingTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ScriptErrorReportingTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ScriptErrorReportingTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class TransactionRefusalTestsOnMemory(NodeFixture fixture) : TransactionRefusalTests(fixture), IClassFixture<NodeFixture>;
public sealed class TransactionRefusalTestsOnDisk(DiskNodeFixture fixture) : TransactionRefusalTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class LegacySyncTestsOnMemory(NodeFixture fixture) : Replication.LegacySyncTests(fixture), IClassFixture<NodeFixture>;
public sealed class LegacySyncTestsOnDisk(DiskNodeFixture fixture) : Replication.LegacySyncTests(fixture), IClassFixture<DiskNodeFixture>;

public sealed class LatencyStatsTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : LatencyStatsTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class LatencyStatsTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : LatencyStatsTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class ConfigListenerTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : ConfigListenerTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class ConfigListenerTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : ConfigListenerTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;

public sealed class PipelinedGetTestsOnMemory(NodeFixture fixture, Net.RedisServerFixture redis)
    : PipelinedGetTests(fixture, redis), IClassFixture<NodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class PipelinedGetTestsOnDisk(DiskNodeFixture fixture, Net.RedisServerFixture redis)
    : PipelinedGetTests(fixture, redis), IClassFixture<DiskNodeFixture>, IClassFixture<Net.RedisServerFixture>;
public sealed class PipelinedGetTestsOnSpilledMemory(SpilledNodeFixture fixture, Net.RedisServerFixture redis)
    : PipelinedGetTests(fixture, redis), IClassFixture<SpilledNodeFixture>, IClassFixture<Net.RedisServerFixture>
{
    protected override Task SpillAsync(RawConnection node) => fixture.SpillAsync(node);
}

public sealed class AccessTrackingTestsOnMemory(Net.RedisServerFixture redis) : AccessTrackingTests("memory", redis), IClassFixture<Net.RedisServerFixture>;
public sealed class AccessTrackingTestsOnDisk(Net.RedisServerFixture redis) : AccessTrackingTests("disk", redis), IClassFixture<Net.RedisServerFixture>;

public sealed class EvictionTestsOnMemory() : EvictionTests("memory");
public sealed class EvictionTestsOnDisk() : EvictionTests("disk");
