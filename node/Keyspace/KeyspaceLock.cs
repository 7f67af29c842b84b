using System.Runtime.InteropServices;

namespace Istore.Node.Keyspace;

/// <summary>
/// The keyspace's lock: one writer at a time, and reads of collections beside each other.
/// <para>
/// A writer holds a re-entrant monitor, as every mutation always has (apply, then log, in one
/// order). A read of a collection takes no shared lock: it marks its own <see cref="ReaderSlot"/>
/// (a cache line no other thread writes) and checks that no writer is in; a writer, once in, raises
/// <c>_writing</c> and waits for the slots marked before it. So event loops reading collections
/// write no shared cache line and scale with cores, as lock-free string reads already do; a read
/// that meets a writer waits for the monitor and reads holding it (other readers still go on
/// beside it, writers wait). Writers are preferred: a reader arriving after one backs off, so a
/// writer waits only for the reads already running, each one command long.
/// </para>
/// Readers only read: a read that must change something (lazy expiry deleting a key) does it after
/// leaving its slot (<see cref="KeyspaceSession.Read"/>); taking the lock as a writer inside one's
/// own shared read throws rather than waiting for itself.
/// </summary>
public sealed class KeyspaceLock
{
    private readonly object _monitor = new();
    private int _depth;         // the writer's re-entry count; touched by the monitor's holder only
    private int _writing;       // 1 while a writer holds the lock: readers do not enter beside it
    private ReaderSlot[] _slots = [];

    /// <summary>One thread's read mark, alone on its cache line.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public sealed class ReaderSlot
    {
#pragma warning disable CS0169 // padding: the mark must not share a cache line with another slot's
        private readonly long _before0, _before1, _before2, _before3, _before4, _before5, _before6, _before7;
        internal int Reading;
        internal int Thread;
        private readonly long _after0, _after1, _after2, _after3, _after4, _after5, _after6, _after7;
#pragma warning restore CS0169
    }

    /// <summary>A slot for a thread that reads beside others (an event loop's session); kept until <see cref="Unregister"/>.</summary>
    public ReaderSlot Register()
    {
        var slot = new ReaderSlot();
        lock (_monitor)
            _slots = [.. _slots, slot];
        return slot;
    }

    public void Unregister(ReaderSlot slot)
    {
        lock (_monitor)
            _slots = Array.FindAll(_slots, s => s != slot);
    }

    /// <summary>Whether this thread holds the lock as a writer.</summary>
    public bool IsHeld => Monitor.IsEntered(_monitor) && _depth > 0;

    /// <summary>Takes the lock as a writer (re-entrant): waits for the monitor, then for reads under way.</summary>
    public void Enter()
    {
        Monitor.Enter(_monitor);
        if (_depth++ > 0)
            return;
        Interlocked.Exchange(ref _writing, 1);   // a full fence: the slots are read after readers can see it
        foreach (var slot in _slots)
        {
            if (Volatile.Read(ref slot.Reading) == 0)
                continue;
            if (slot.Thread == Environment.CurrentManagedThreadId)
            {
                Exit();
                throw new InvalidOperationException("the keyspace lock was taken for writing inside this thread's own shared read");
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref slot.Reading) != 0)
                spin.SpinOnce();
        }
    }

    public void Exit()
    {
        if (--_depth == 0)
            Volatile.Write(ref _writing, 0);
        Monitor.Exit(_monitor);
    }

    /// <summary>Holds the lock as a writer until the scope ends.</summary>
    public Held Hold()
    {
        Enter();
        return new Held(this);
    }

    public readonly ref struct Held(KeyspaceLock owner)
    {
        public void Dispose() => owner.Exit();
    }

    /// <summary>
    /// Starts a read beside other readers: true unless a writer is in, in which case nothing is
    /// held and the caller reads under <see cref="EnterReadBehindWriter"/> instead.
    /// </summary>
    public bool TryEnterShared(ReaderSlot slot)
    {
        slot.Thread = Environment.CurrentManagedThreadId;
        Interlocked.Exchange(ref slot.Reading, 1);   // a full fence: _writing is read after the mark is visible
        if (Volatile.Read(ref _writing) == 0)
            return true;
        Volatile.Write(ref slot.Reading, 0);
        return false;
    }

    public static void ExitShared(ReaderSlot slot) => Volatile.Write(ref slot.Reading, 0);

    /// <summary>A read that met a writer: waits for the monitor and reads holding it, without shutting out other readers.</summary>
    public void EnterReadBehindWriter() => Monitor.Enter(_monitor);

    public void ExitReadBehindWriter() => Monitor.Exit(_monitor);
}
