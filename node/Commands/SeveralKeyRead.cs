namespace Istore.Node.Commands;

/// <summary>
/// A read of several strings (MGET, EXISTS k1 k2 …) with no lock, that never shows an atomic write
/// (MSET, EXEC …) half applied: when one began while it ran, its reply is taken back and it runs
/// again under the write lock. Its side effects are idempotent (access times) or, only then,
/// happen twice (hit and miss counts, keymiss events).
/// </summary>
internal static class SeveralKeyRead
{
    public static void Run(CommandContext c, Action<CommandContext> read)
    {
        var keyspace = c.Keyspace;
        if (keyspace.InWriteScope)
        {
            read(c);
            return;
        }
        int mark = c.Output.Length;
        long sequence = keyspace.BeginSeveralKeyRead();
        read(c);
        if (keyspace.HeldAtomicSequence(sequence))
            return;
        c.Output.Truncate(mark);
        using (keyspace.Lock())
            read(c);
    }
}
