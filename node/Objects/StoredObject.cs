using Istore.Node.Engine;

namespace Istore.Node.Objects;

/// <summary>
/// A collection value (hash, list, set, sorted set…) held in the memory engine's object space, or a
/// <see cref="LargeString"/>.
/// Mutated in place by command handlers under the keyspace write lock; an emptied collection is
/// removed with its key.
/// </summary>
public abstract class StoredObject
{
    public abstract KeyType Type { get; }

    /// <summary>Elements held; 0 means the key must go.</summary>
    public abstract long Length { get; }

    /// <summary>
    /// Its size for maxmemory, in O(1) so that every change can recount it: a flat 64 bytes per
    /// element (a member with its score, a field with its value, and their nodes). Big elements are
    /// undercounted; MEMORY USAGE measures exactly.
    /// </summary>
    public virtual long EstimatedBytes => 64 * Length;

    /// <summary>What OBJECT ENCODING reports.</summary>
    public abstract string Encoding { get; }

    /// <summary>A deep copy (COPY).</summary>
    public abstract StoredObject Clone();

    /// <summary>
    /// A copy to take this pinned object's place at its key, which lets go of this one next
    /// (<c>ObjectSpace</c>, when a writer meets a pinned object): <see cref="Clone"/> unless the
    /// object can hand what it holds to the copy instead of duplicating it.
    /// </summary>
    public virtual StoredObject Successor() => Clone();

    /// <summary>Writes the elements for a checkpoint; <see cref="ObjectSerializer"/> reads them back.</summary>
    public abstract void WriteTo(SnapshotWriter writer);

    /// <summary>
    /// Readers holding this object without the keyspace lock (a recall's merge). While pinned it
    /// is not changed in place: a command that would change it gets a copy stored at its key first
    /// (<c>ObjectSpace</c>). Pinned and unpinned under the keyspace lock as a writer.
    /// </summary>
    public int Pins { get; private set; }

    public void Pin() => Pins++;

    public void Unpin()
    {
        if (--Pins == 0)
            Unpinned();
    }

    /// <summary>The last reader let go: what was deferred for it happens now.</summary>
    protected virtual void Unpinned()
    {
    }
}
