using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>Reads a collection back from a checkpoint by its type tag (no reflection: the AOT binary reads what it wrote).</summary>
public static class ObjectSerializer
{
    /// <summary>Ranklists intern their members into <paramref name="rankListMembers"/>, their database's table.</summary>
    public static StoredObject Read(KeyType type, ref SnapshotReader reader, Ranklist.MemberTable rankListMembers) => type switch
    {
        KeyType.String => LargeString.ReadFrom(ref reader),
        KeyType.Hash => HashObject.ReadFrom(ref reader),
        KeyType.List => ListObject.ReadFrom(ref reader),
        KeyType.Set => SetObject.ReadFrom(ref reader),
        KeyType.ZSet => SortedSetObject.ReadFrom(ref reader),
        KeyType.RankList => RankListObject.ReadFrom(ref reader, rankListMembers),
        KeyType.Bloom => BloomObject.ReadFrom(ref reader),
        KeyType.Stream => Streams.StreamObject.ReadFrom(ref reader),
        _ => throw new InvalidDataException($"unknown object type {(int)type} in snapshot"),
    };
}
