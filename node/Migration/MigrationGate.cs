using Istore.Net.Commands;
using Istore.Net.Resp;
using Istore.Net.Server;
using Istore.Node.Commands;
using Istore.Node.Keyspace;

namespace Istore.Node.Migration;

/// <summary>
/// Makes MIGRATE atomic per key without holding the write lock across its round trip to the
/// target. Redis blocks the whole server for that round trip; here only writes to the keys in
/// flight wait, and writes to other keys go on.
///
/// While a key is marked (from just before its serialization until its deletion), a write
/// command naming it is held: its connection stops and the command runs again when the marks
/// go (as CLIENT PAUSE holds writes), so it applies after the deletion — to a missing key — or,
/// with COPY, after the copy. The check must see every write, and a write checked before a mark
/// must apply before the serialization, so:
/// <list type="bullet">
/// <item>With no key marked (the common case) a write only bumps its loop's <see cref="WriterSlot"/>
/// (odd while it runs) and reads <see cref="Active"/>: no lock, no key lookup.</item>
/// <item>With keys marked, a write checks its keys and runs under the write lock, so no mark
/// can come between its check and its effect.</item>
/// <item>MIGRATE marks under the write lock, then waits until every write that was running on
/// another loop has finished (it may have read <see cref="Active"/> as 0), and only then serializes.</item>
/// </list>
/// MIGRATE itself bypasses the gate (it marks its own keys; a second MIGRATE of a marked key is held by <see cref="TryMark"/>).
/// </summary>
internal sealed class MigrationGate
{
    private readonly HashSet<byte[]> _marked = new(ByteArrayComparer.Instance);
    private readonly List<Connection> _held = [];
    private readonly List<WriterSlot> _slots = [];
    private int _active;

    /// <summary>Keys are in flight somewhere: writes take the checked path.</summary>
    public bool Active => Volatile.Read(ref _active) > 0;

    /// <summary>One per event loop: a counter that is odd while the loop runs a write command.</summary>
    public sealed class WriterSlot
    {
        internal long State;

        public void Enter() => Interlocked.Increment(ref State);   // a full fence: Active is read after it

        public void Exit() => Interlocked.Increment(ref State);
    }

    public WriterSlot Register()
    {
        var slot = new WriterSlot();
        lock (_slots)
            _slots.Add(slot);
        return slot;
    }

    /// <summary>
    /// Under the write lock: true when the command names a marked key (or, for EXEC, one of its
    /// queued commands does); the caller then holds the connection with <see cref="Hold"/>.
    /// </summary>
    public bool Blocks(CommandSpec spec, CommandArgs args, ClientState client, List<int> scratch)
    {
        if (_marked.Count == 0)
            return false;
        if (spec.Name == "EXEC" && client.Transaction is { } queue)
        {
            for (int i = 0; i < queue.Count; i++)
                if (NamesMarked(queue[i].Spec, queue[i].Args, scratch))
                    return true;
            return false;
        }
        return NamesMarked(spec, args, scratch);
    }

    private bool NamesMarked(CommandSpec spec, CommandArgs args, List<int> scratch)
    {
        if (!spec.HasKeys)
            return false;
        scratch.Clear();
        spec.CollectKeyIndexes(args, scratch);
        var lookup = _marked.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (int index in scratch)
            if (lookup.Contains(args[index]))
                return true;
        return false;
    }

    /// <summary>Holds the running command (it runs again when the keys in flight are released). Under the write lock.</summary>
    public void Hold(Connection connection)
    {
        _held.Add(connection);
        connection.SuspendToRetry();
    }

    /// <summary>
    /// Under the write lock: marks <paramref name="keys"/> unless one of them is already in flight
    /// (another MIGRATE), in which case nothing is marked and the caller holds its connection.
    /// </summary>
    public bool TryMark(List<byte[]> keys)
    {
        foreach (var key in keys)
            if (_marked.Contains(key))
                return false;
        foreach (var key in keys)
            _marked.Add(key);
        Interlocked.Increment(ref _active);
        return true;
    }

    /// <summary>
    /// Without the write lock, after <see cref="TryMark"/>: waits for the writes other loops were
    /// running (each at most one command; they cannot wait on this loop).
    /// </summary>
    public void WaitForRunningWrites()
    {
        WriterSlot[] slots;
        lock (_slots)
            slots = [.. _slots];
        foreach (var slot in slots)
        {
            long seen = Volatile.Read(ref slot.State);
            if ((seen & 1) == 0)
                continue;
            var spin = new SpinWait();
            while (Volatile.Read(ref slot.State) == seen)
                spin.SpinOnce();
        }
    }

    /// <summary>Under the write lock: the keys are deleted (or copied); held writes run again.</summary>
    public void Release(List<byte[]> keys)
    {
        foreach (var key in keys)
            _marked.Remove(key);
        Interlocked.Decrement(ref _active);
        foreach (var connection in _held)
            connection.Resume();
        _held.Clear();
    }
}
