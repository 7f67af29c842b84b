using Istore.Node.Objects;

namespace Istore.Node.Engine.Memory;

/// <summary>The two captures that may run at once: a checkpoint's and a replica's full sync.</summary>
internal enum CaptureSlot { Checkpoint, FullSync }

/// <summary>How a capture writes one collection (the checkpoint file and the full-sync stream differ).</summary>
internal delegate void CapturedEntryWriter(SnapshotWriter output, ReadOnlySpan<byte> key, StoredObject value, long expireAt);

/// <summary>
/// The collections as they were at one point of the write stream, written out while writes go on
/// (copy-on-write per collection, as a fork is per page). Begun under the keyspace write lock, it
/// numbers that moment with an epoch: entries placed later are not in it, and each entry that was
/// there is written exactly once — by <see cref="ObjectSpace.Complete"/>'s walk, or, if a write
/// reaches the entry first, by that write just before it changes, moves or removes it. Every write
/// to <see cref="Output"/> happens under the write lock, so the two never interleave.
/// </summary>
internal sealed class ObjectCapture(CaptureSlot slot, int epoch, Keyspace.KeyspaceLock writeLock, SnapshotWriter output, CapturedEntryWriter format, int expected)
{
    public CaptureSlot Slot => slot;

    public Keyspace.KeyspaceLock WriteLock => writeLock;

    public SnapshotWriter Output => output;

    /// <summary>Collections there when the capture began: exactly these are written.</summary>
    public int Expected => expected;

    public int Written { get; private set; }

    private Exception? _failure;

    /// <summary>Whether the capture can no longer be exact (its walk may stop).</summary>
    public bool Failed => _failure is not null;

    /// <summary>Whether <paramref name="entry"/> belongs to this capture and is not written yet.</summary>
    public bool Needs(in ObjectEntry entry) => entry.SavedIn(slot) < epoch;

    public void MarkSaved(ref ObjectEntry entry) => entry.MarkSaved(slot, epoch);

    /// <summary>
    /// Writes <paramref name="entry"/>. A failure (a full disk) is kept for <see cref="ThrowIfIncomplete"/>
    /// rather than thrown: it may happen inside a client's write, which must not fail for it.
    /// </summary>
    public void Save(in ObjectEntry entry)
    {
        if (Failed)
            return;
        try
        {
            format(output, entry.KeyBytes, entry.Value, entry.ExpireAt);
            Written++;
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>The capture cannot be exact: it ends as failed, and the snapshot is not used.</summary>
    public void Fail(Exception reason) => _failure ??= reason;

    /// <summary>After the capture ended: throws unless every collection it began with was written.</summary>
    public void ThrowIfIncomplete()
    {
        if (_failure is not null)
            throw new IOException($"the snapshot's collections could not be captured: {_failure.Message}", _failure);
        if (Written != expected)
            throw new InvalidOperationException($"the snapshot captured {Written} collections of {expected}");
    }
}
