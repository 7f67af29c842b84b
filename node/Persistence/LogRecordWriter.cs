using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Istore.Net.Server;

namespace Istore.Node.Persistence;

/// <summary>Encodes log records as RESP arrays of bulk strings (the AOF format Redis tools read) into a growable buffer.</summary>
internal sealed class LogRecordWriter
{
    private byte[] _buffer = new byte[64 * 1024];
    private bool _discard;

    /// <summary>A writer that keeps nothing: where a replaying session's records go (they are in the log already).</summary>
    public static LogRecordWriter Discarding() => new() { _discard = true, _buffer = [] };

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Reset() => Length = 0;

    public void BeginRecord(int argCount) => WriteHeader((byte)'*', argCount);

    public void Arg(ReadOnlySpan<byte> value)
    {
        if (_discard)
            return;
        WriteHeader((byte)'$', value.Length);
        Ensure(value.Length + 2);
        value.CopyTo(_buffer.AsSpan(Length));
        Length += value.Length;
        _buffer[Length++] = (byte)'\r';
        _buffer[Length++] = (byte)'\n';
    }

    public void Arg(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Arg(digits[..n]);
    }

    /// <summary>Appends bytes that are already whole records.</summary>
    public void Raw(ReadOnlySpan<byte> records)
    {
        Ensure(records.Length);
        records.CopyTo(_buffer.AsSpan(Length));
        Length += records.Length;
    }

    /// <summary>Inserts whole records at <paramref name="position"/>, moving what follows.</summary>
    public void Insert(int position, ReadOnlySpan<byte> records)
    {
        if (_discard)
            return;
        Ensure(records.Length);
        _buffer.AsSpan(position, Length - position).CopyTo(_buffer.AsSpan(position + records.Length));
        records.CopyTo(_buffer.AsSpan(position));
        Length += records.Length;
    }

    /// <summary>
    /// Hands the first <paramref name="length"/> written bytes over and continues in
    /// <paramref name="replacement"/> with the rest (the records of a command still running).
    /// </summary>
    public (byte[] Buffer, int Length) Swap(byte[] replacement, int length)
    {
        var taken = _buffer;
        int rest = Length - length;
        if (replacement.Length < rest)
            replacement = new byte[Math.Max(rest, replacement.Length * 2)];
        taken.AsSpan(length, rest).CopyTo(replacement);
        _buffer = replacement;
        Length = rest;
        return (taken, length);
    }

    /// <summary>Forgets what was written after <paramref name="length"/> (the records of a command that was rolled back).</summary>
    public void Truncate(int length) => Length = length;

    private void WriteHeader(byte prefix, long value)
    {
        if (_discard)
            return;
        Ensure(24);
        _buffer[Length++] = prefix;
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(Length), out int n);
        Length += n;
        _buffer[Length++] = (byte)'\r';
        _buffer[Length++] = (byte)'\n';
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int size)
    {
        if (_buffer.Length - Length < size)
        {
            MemoryGiveBack.Dropped(_buffer.Length);
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_buffer.Length * 2, (long)Length + size), Array.MaxLength));
        }
    }
}
