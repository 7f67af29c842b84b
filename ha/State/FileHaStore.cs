using Istore.Ha.Config;

namespace Istore.Ha.State;

/// <summary>
/// The topology in ha.json, the one HA process's state: every decision rewrites the file
/// atomically (write a temporary file, fsync, rename) so a restarted HA continues from it.
/// </summary>
public sealed class FileHaStore(string path) : IHaStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HaConfig _current = new();
    private readonly ProxyRegistry _proxies = new();

    public HaConfig Current => Volatile.Read(ref _current);

    public bool IsLeader => true;

    public string? Leader => "file:" + Path.GetFullPath(path);

    public event Action<HaConfig>? Changed;

    public IReadOnlyCollection<string> Proxies => _proxies.All;

    public event Action? ProxiesChanged
    {
        add => _proxies.Changed += value;
        remove => _proxies.Changed -= value;
    }

    /// <summary>One HA process: the proxies it knows are those that subscribed to it since it started.</summary>
    public Task RegisterProxyAsync(string entry, CancellationToken ct)
    {
        _proxies.Add(entry);
        return Task.CompletedTask;
    }

    /// <summary>Reads the file; <paramref name="initial"/> is the file's own content (the caller parsed it), so nothing is seeded.</summary>
    public Task StartAsync(HaConfig initial, CancellationToken ct)
    {
        _current = initial;
        return Task.CompletedTask;
    }

    public async Task<bool> TryCommitAsync(HaConfig next, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (next.Version != _current.Version + 1)
                return false;
            HaConfigLoader.Check(next);
            string temporary = path + ".tmp";
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(HaConfigLoader.Serialize(next)), ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            Volatile.Write(ref _current, next);
        }
        finally
        {
            _gate.Release();
        }
        Changed?.Invoke(next);
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
