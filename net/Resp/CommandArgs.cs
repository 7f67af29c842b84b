using System.Runtime.CompilerServices;

namespace Istore.Net.Resp;

/// <summary>
/// The arguments of one parsed command (name included at index 0), as slices of the receive
/// buffer. One instance per connection, reused for every command: valid only until the next parse.
/// </summary>
public sealed class CommandArgs
{
    private ArgSlice[] _slices = new ArgSlice[16];
    private int _frameOffset;
    private int _frameLength;

    public byte[] Buffer { get; internal set; } = [];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var s = _slices[index];
            return new ReadOnlySpan<byte>(Buffer, s.Offset, s.Length);
        }
    }

    public ArgSlice Slice(int index) => _slices[index];

    /// <summary>
    /// The command exactly as it arrived when it came as a RESP array: a valid frame has one
    /// encoding, so these bytes are what encoding the arguments would write (a proxy forwards them
    /// with one copy). Empty for inline commands and for arguments built otherwise.
    /// </summary>
    public ReadOnlySpan<byte> Frame => new(Buffer, _frameOffset, _frameLength);

    internal void SetFrame(int offset, int length) => (_frameOffset, _frameLength) = (offset, length);

    /// <summary>Copies argument <paramref name="index"/> out of the buffer (for values kept past the command).</summary>
    public byte[] ToArray(int index) => this[index].ToArray();

    public string ToString(int index) => System.Text.Encoding.UTF8.GetString(this[index]);

    /// <summary>No arguments, and no reference to the buffer they were in (a receive buffer let go is not kept alive).</summary>
    public void Clear() => Reset([], 0);

    internal void Reset(byte[] buffer, int capacity)
    {
        Buffer = buffer;
        Count = 0;
        _frameLength = 0;
        if (_slices.Length < capacity)
            _slices = new ArgSlice[Math.Max(capacity, _slices.Length * 2)];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(int offset, int length)
    {
        if (Count == _slices.Length)
            Array.Resize(ref _slices, _slices.Length * 2);
        _slices[Count++] = new ArgSlice(offset, length);
    }

    private int _built;

    /// <summary>Starts building arguments one value at a time in a buffer these arguments own (a script's redis.call).</summary>
    public void BeginBuild()
    {
        if (Buffer.Length == 0)
            Buffer = new byte[256];
        Count = 0;
        _frameLength = 0;
        _built = 0;
    }

    /// <summary>Appends one argument after <see cref="BeginBuild"/>.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        if (_built + value.Length > Buffer.Length)
        {
            var bigger = new byte[Math.Max(Buffer.Length * 2, _built + value.Length)];
            Buffer.AsSpan(0, _built).CopyTo(bigger);
            Buffer = bigger;
        }
        value.CopyTo(Buffer.AsSpan(_built));
        Add(_built, value.Length);
        _built += value.Length;
    }

    /// <summary>Builds arguments from standalone values (log replay, tests, benchmarks).</summary>
    public void SetFrom(params ReadOnlySpan<byte[]> values)
    {
        int total = 0;
        foreach (var v in values) total += v.Length;
        var buffer = new byte[total];
        Reset(buffer, values.Length);
        int offset = 0;
        foreach (var v in values)
        {
            v.CopyTo(buffer, offset);
            Add(offset, v.Length);
            offset += v.Length;
        }
    }
}
