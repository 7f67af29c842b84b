using Istore.Net.Resp;

namespace Istore.Node.Admin;

/// <summary>
/// SLOWLOG: the last <see cref="MaxLength"/> commands that ran longer than
/// <see cref="SlowerThanMicros"/> (negative = off, 0 = everything). Only slow commands reach the
/// lock, so the hot path pays one comparison.
/// </summary>
public sealed class SlowLog
{
    private const int MaxArgs = 32;
    private const int MaxArgBytes = 128;

    private readonly LinkedList<Entry> _entries = new();
    private long _nextId;

    public long SlowerThanMicros = 10_000;

    public long MaxLength = 128;

    public sealed record Entry(long Id, long UnixSeconds, long Micros, byte[][] Args, string Address, string Name);

    public void Add(CommandArgs args, long micros, string address, string? name, Func<int, bool> redacted)
    {
        int shown = Math.Min(args.Count, MaxArgs);
        var kept = new byte[shown][];
        for (int i = 0; i < shown; i++)
        {
            if (i == MaxArgs - 1 && args.Count > MaxArgs)
                kept[i] = System.Text.Encoding.ASCII.GetBytes($"... ({args.Count - MaxArgs + 1} more arguments)");
            else if (redacted(i))
                kept[i] = "(redacted)"u8.ToArray();
            else if (args[i].Length > MaxArgBytes)
                kept[i] = [.. args[i][..MaxArgBytes], .. System.Text.Encoding.ASCII.GetBytes($"... ({args[i].Length - MaxArgBytes} more bytes)")];
            else
                kept[i] = args.ToArray(i);
        }
        lock (_entries)
        {
            _entries.AddFirst(new Entry(_nextId++, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), micros, kept, address, name ?? ""));
            while (_entries.Count > MaxLength)
                _entries.RemoveLast();
        }
    }

    /// <summary>Newest first; <paramref name="count"/> negative for all.</summary>
    public List<Entry> Newest(long count)
    {
        lock (_entries)
            return [.. _entries.Take(count < 0 ? int.MaxValue : (int)Math.Min(count, int.MaxValue))];
    }

    public int Count
    {
        get { lock (_entries) return _entries.Count; }
    }

    public void Reset()
    {
        lock (_entries)
            _entries.Clear();
    }

    /// <summary>CONFIG SET slowlog-max-len: a shorter log drops its oldest entries at once.</summary>
    public void Trim()
    {
        lock (_entries)
            while (_entries.Count > MaxLength)
                _entries.RemoveLast();
    }
}
