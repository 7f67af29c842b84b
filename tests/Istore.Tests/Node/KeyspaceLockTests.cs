using Istore.Node.Keyspace;

namespace Istore.Tests.Node;

/// <summary>The keyspace lock's rules, thread against thread: readers beside readers, a writer alone.</summary>
public class KeyspaceLockTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Readers_share_and_a_writer_waits_for_the_reads_under_way()
    {
        var keyspaceLock = new KeyspaceLock();
        var first = keyspaceLock.Register();
        var second = keyspaceLock.Register();
        Assert.True(keyspaceLock.TryEnterShared(first));
        Assert.True(RunOnThread(() => keyspaceLock.TryEnterShared(second)));   // readers do not shut each other out
        RunOnThread(() => KeyspaceLock.ExitShared(second));

        using var writerIn = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            keyspaceLock.Enter();
            writerIn.Set();
            keyspaceLock.Exit();
        });
        writer.Start();
        Assert.False(writerIn.Wait(TimeSpan.FromMilliseconds(200)), "a writer went in beside a read");
        KeyspaceLock.ExitShared(first);
        Assert.True(writerIn.Wait(Patience), "the writer did not go in once the read ended");
        writer.Join();
    }

    [Fact]
    public void A_reader_that_meets_a_writer_reads_behind_it_beside_other_readers()
    {
        var keyspaceLock = new KeyspaceLock();
        var slot = keyspaceLock.Register();
        keyspaceLock.Enter();
        Assert.True(keyspaceLock.IsHeld);
        Assert.False(RunOnThread(() => keyspaceLock.TryEnterShared(slot)), "a reader went in beside a writer");

        using var readerIn = new ManualResetEventSlim();
        using var readerDone = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            keyspaceLock.EnterReadBehindWriter();
            readerIn.Set();
            readerDone.Wait(Patience);
            keyspaceLock.ExitReadBehindWriter();
        });
        reader.Start();
        Assert.False(readerIn.Wait(TimeSpan.FromMilliseconds(200)), "a read behind a writer did not wait for it");
        keyspaceLock.Exit();
        Assert.True(readerIn.Wait(Patience));
        // Holding the monitor to read does not shut out shared readers, nor make this thread a writer.
        Assert.True(RunOnThread(() => keyspaceLock.TryEnterShared(slot)));
        KeyspaceLock.ExitShared(slot);
        readerDone.Set();
        reader.Join();
        Assert.False(keyspaceLock.IsHeld);
    }

    [Fact]
    public void Writing_inside_the_threads_own_shared_read_throws_instead_of_waiting_for_itself()
    {
        var keyspaceLock = new KeyspaceLock();
        var slot = keyspaceLock.Register();
        Assert.True(keyspaceLock.TryEnterShared(slot));
        Assert.Throws<InvalidOperationException>(keyspaceLock.Enter);
        Assert.False(keyspaceLock.IsHeld);
        KeyspaceLock.ExitShared(slot);
        Assert.True(RunOnThread(() =>
        {
            keyspaceLock.Enter();   // released by the failed attempt: another thread writes at once
            keyspaceLock.Exit();
            return true;
        }));
    }

    private static T RunOnThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        Assert.True(thread.Join(Patience), "the thread did not finish");
        return result;
    }

    private static void RunOnThread(Action work) => RunOnThread(() =>
    {
        work();
        return true;
    });
}
