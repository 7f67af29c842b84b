using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A collection value (hash, list, set, sorted set) held in the memory engine's object space.
/// Mutated in place by command handlers under the keyspace write lock; an emptied collection is
/// removed with its key.
/// </summary>
public abstract class StoredObject
{
    public abstract KeyType Type { get; }

    /// <summary>Elements held; 0 means the key must go.</summary>
    public abstract long Length { get; }

    /// <summary>What OBJECT ENCODING reports.</summary>
    public abstract string Encoding { get; }

    /// <summary>A deep copy (COPY).</summary>
    public abstract StoredObject Clone();

    /// <summary>Writes the elements for a checkpoint; <see cref="ObjectSerializer"/> reads them back.</summary>
    public abstract void WriteTo(SnapshotWriter writer);
}
