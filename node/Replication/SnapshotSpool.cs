using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Replication;

/// <summary>
/// One full-sync snapshot being written to a file by a thread of its own, read as it grows by the
/// sender of every replica that asked for a full sync while it was being made (they share it, as
/// Redis's replicas share one BGSAVE). The file is removed when the last reader is done.
/// </summary>
internal sealed class SnapshotSpool
{
    private readonly object _lock = new();
    private readonly string _path;
    private long _length;
    private bool _complete;
    private string? _failure;
    private int _readers;

    /// <summary>
    /// Starts writing <paramref name="snapshot"/>, captured at stream offset <paramref name="offset"/>,
    /// to <paramref name="path"/>; <paramref name="first"/> is the reader of the replica that asked.
    /// </summary>
    public SnapshotSpool(string path, long offset, IDatasetSnapshot snapshot, Action<Exception> failed, out Reader first)
    {
        _path = path;
        Offset = offset;
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        first = Open();
        new Thread(() => Produce(file, snapshot, failed)) { Name = "istore-repl-snapshot", IsBackground = true }.Start();
    }

    /// <summary>The stream offset the snapshot is at: its readers continue the stream from here.</summary>
    public long Offset { get; }

    /// <summary>A reader for a replica asking now, if it can still share this snapshot (it is still being written); else null.</summary>
    public Reader? TryJoin()
    {
        lock (_lock)
            return _complete || _failure is not null ? null : Open();
    }

    private void Produce(FileStream file, IDatasetSnapshot snapshot, Action<Exception> failed)
    {
        try
        {
            using (file)
            using (snapshot)
            {
                var writer = new SnapshotWriter(chunk =>
                {
                    file.Write(chunk);
                    lock (_lock)
                    {
                        _length += chunk.Length;
                        Monitor.PulseAll(_lock);
                    }
                });
                snapshot.WriteTo(writer);
                writer.Flush();
            }
            lock (_lock)
            {
                _complete = true;
                Monitor.PulseAll(_lock);
            }
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failure = ex.Message;
                Monitor.PulseAll(_lock);
            }
            failed(ex);
        }
        DeleteIfUnused();
    }

    private Reader Open()
    {
        lock (_lock)
        {
            _readers++;
            return new Reader(this, new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1));
        }
    }

    private void Close()
    {
        lock (_lock)
            _readers--;
        DeleteIfUnused();
    }

    private void DeleteIfUnused()
    {
        lock (_lock)
        {
            if (_readers > 0 || !(_complete || _failure is not null))
                return;
        }
        try { File.Delete(_path); }
        catch (IOException) { /* already gone */ }
    }

    internal sealed class Reader(SnapshotSpool spool, FileStream file) : IDisposable
    {
        private int _disposed;

        /// <summary>Reads the next bytes, waiting for the writer; 0 at the end of a complete snapshot. Throws if making it failed.</summary>
        public int Read(byte[] buffer)
        {
            lock (spool._lock)
            {
                while (file.Position >= spool._length && !spool._complete)
                {
                    if (spool._failure is { } failure)
                        throw new IOException("the snapshot could not be made: " + failure);
                    Monitor.Wait(spool._lock, 1000);
                }
                if (spool._failure is { } failed)
                    throw new IOException("the snapshot could not be made: " + failed);
            }
            return file.Read(buffer, 0, buffer.Length);
        }

        /// <summary>The snapshot's whole length once it is complete; false if it is still being written after <paramref name="waitMs"/>. Throws if making it failed.</summary>
        public bool TryGetLength(int waitMs, out long length)
        {
            lock (spool._lock)
            {
                long deadline = Environment.TickCount64 + waitMs;
                for (long left = waitMs; left > 0 && !spool._complete && spool._failure is null; left = deadline - Environment.TickCount64)
                    Monitor.Wait(spool._lock, (int)left);
                if (spool._failure is { } failure)
                    throw new IOException("the snapshot could not be made: " + failure);
                length = spool._length;
                return spool._complete;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            file.Dispose();
            spool.Close();
        }
    }
}
