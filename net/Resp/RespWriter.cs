using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using Istore.Net.Server;

namespace Istore.Net.Resp;

/// <summary>
/// Writes replies straight into a connection's send buffer, in RESP2 or RESP3 as the connection
/// negotiated (HELLO). The transport sends the whole buffer once per parsed batch.
/// </summary>
public sealed class RespWriter
{
    private const int InitialSize = 16 * 1024;
    private readonly int _initialSize;
    private byte[] _buffer;
    /// <summary>Where the unsent bytes start: a partial send moves it instead of moving the bytes.</summary>
    private int _start;
    private int _position;

    public RespWriter() : this(InitialSize)
    {
    }

    /// <summary>A writer starting small (a proxy keeps one per pending reply and per backend connection).</summary>
    public RespWriter(int initialSize)
    {
        _initialSize = initialSize;
        _buffer = new byte[initialSize];
    }

    /// <summary>2 or 3: the protocol the client chose with HELLO.</summary>
    public int Protocol { get; set; } = 2;

    public bool IsResp3 => Protocol == 3;

    /// <summary>Bytes written and not yet consumed; offsets into <see cref="WrittenSpan"/> (marks, <see cref="Truncate"/>) count from its start.</summary>
    public int Length => _position - _start;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(_start, _position - _start);

    /// <summary>The bytes written so far, for an asynchronous send (valid until the next write).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(_start, _position - _start);

    /// <summary>The buffer's allocated size (a client's reply memory, as Redis counts it).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Gives back a grown buffer once nothing is left to send (an idle client's, say).</summary>
    public void ShrinkIfEmpty()
    {
        if (Length == 0 && _buffer.Length > _initialSize)
        {
            _start = _position = 0;
            Restart();
        }
    }

    /// <summary>Drops everything written (after a send, or to discard a partial reply).</summary>
    public void Clear()
    {
        _start = _position = 0;
        if (_buffer.Length > 1024 * 1024)
            Restart();   // a huge reply should not pin its buffer forever
    }

    /// <summary>A new buffer of the initial size in place of a grown one.</summary>
    private void Restart()
    {
        MemoryGiveBack.Dropped(_buffer.Length);
        _buffer = new byte[_initialSize];
    }

    /// <summary>
    /// Removes the first <paramref name="count"/> bytes (sent ones), keeping the rest. O(1): the rest
    /// moves to the front only when the buffer needs room (<see cref="Grow"/>), so sending a large
    /// reply in many pieces copies it at most about once more instead of once per piece.
    /// </summary>
    public void Consume(int count)
    {
        if (count >= Length)
            Clear();
        else
            _start += count;
    }

    /// <summary>Truncates to an earlier length (to take back a reply being built).</summary>
    public void Truncate(int length) => _position = _start + Math.Min(Length, length);

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _position += bytes.Length;
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteSimpleString(ReadOnlySpan<byte> text) => WriteLine((byte)'+', text);

    public void WriteSimpleString(string text) => WriteLine((byte)'+', text);

    /// <summary>Writes an error reply; <paramref name="message"/> starts with its code (ERR, WRONGTYPE…).</summary>
    public void WriteError(string message) => WriteLine((byte)'-', message);

    public void WriteError(ReadOnlySpan<byte> message) => WriteLine((byte)'-', message);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInteger(long value) => WritePrefixedNumber((byte)':', value);

    public void WriteArrayHeader(int count) => WritePrefixedNumber((byte)'*', count);

    /// <summary>A map: RESP3 <c>%n</c>, RESP2 a flat array of 2n items.</summary>
    public void WriteMapHeader(int pairs)
    {
        if (IsResp3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2L);
    }

    /// <summary>A set: RESP3 <c>~n</c>, RESP2 an array.</summary>
    public void WriteSetHeader(int count) => WritePrefixedNumber(IsResp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>An out-of-band push (RESP3 <c>&gt;n</c>; RESP2 clients get an array).</summary>
    public void WritePushHeader(int count) => WritePrefixedNumber(IsResp3 ? (byte)'>' : (byte)'*', count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        var span = GetSpan(value.Length + 16);
        span[0] = (byte)'$';
        int n = WriteDigits(span[1..], value.Length);
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        value.CopyTo(span[(3 + n)..]);
        span[3 + n + value.Length] = (byte)'\r';
        span[4 + n + value.Length] = (byte)'\n';
        _position += value.Length + n + 5;
    }

    public void WriteBulkString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> tmp = stackalloc byte[max];
            WriteBulkString(tmp[..Encoding.UTF8.GetBytes(value, tmp)]);
        }
        else
        {
            WriteBulkString(Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>An integer sent as a bulk string (INCRBYFLOAT-style replies, CONFIG GET values).</summary>
    public void WriteBulkString(long value)
    {
        Span<byte> tmp = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, tmp, out int n);
        WriteBulkString(tmp[..n]);
    }

    /// <summary>The missing value: RESP2 <c>$-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The missing array: RESP2 <c>*-1</c>, RESP3 <c>_</c>.</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteBoolean(bool value)
    {
        if (IsResp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>A double: RESP3 <c>,</c>; RESP2 a bulk string. Formatted like Redis (inf, -inf, shortest round-trip).</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[32];
        int n = DoubleFormat.Format(value, tmp);
        if (!IsResp3)
        {
            WriteBulkString(tmp[..n]);
            return;
        }
        var span = GetSpan(n + 3);
        span[0] = (byte)',';
        tmp[..n].CopyTo(span[1..]);
        "\r\n"u8.CopyTo(span[(1 + n)..]);
        _position += n + 3;
    }

    /// <summary>Plain text (INFO, CLIENT LIST): RESP3 verbatim <c>=</c> "txt", RESP2 bulk.</summary>
    public void WriteVerbatimText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!IsResp3)
        {
            WriteBulkString(bytes);
            return;
        }
        WritePrefixedNumber((byte)'=', bytes.Length + 4);
        WriteRaw("txt:"u8);
        WriteRaw(bytes);
        WriteRaw("\r\n"u8);
    }

    /// <summary>A line-framed reply from bytes the caller guarantees free of CR and LF.</summary>
    private void WriteLine(byte prefix, ReadOnlySpan<byte> text)
    {
        var span = GetSpan(text.Length + 3);
        span[0] = prefix;
        text.CopyTo(span[1..]);
        "\r\n"u8.CopyTo(span[(1 + text.Length)..]);
        _position += text.Length + 3;
    }

    private void WriteLine(byte prefix, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length) + 3;
        var span = GetSpan(max);
        span[0] = prefix;
        int n = Encoding.UTF8.GetBytes(text, span[1..]);
        // Line-framed replies cannot carry CR or LF: Redis replaces them with spaces.
        foreach (ref var b in span.Slice(1, n))
            if (b is (byte)'\r' or (byte)'\n') b = (byte)' ';
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        _position += n + 3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WritePrefixedNumber(byte prefix, long value)
    {
        var span = GetSpan(24);
        span[0] = prefix;
        int n = WriteDigits(span[1..], value);
        span[1 + n] = (byte)'\r';
        span[2 + n] = (byte)'\n';
        _position += n + 3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteDigits(Span<byte> span, long value)
    {
        if ((ulong)value < 10)
        {
            span[0] = (byte)('0' + value);
            return 1;
        }
        Utf8Formatter.TryFormat(value, span, out int n);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _position < size)
            Grow(size);
        return _buffer.AsSpan(_position);
    }

    /// <summary>
    /// Makes room for <paramref name="size"/> bytes: moves the unsent bytes to the front when sent
    /// ones fill at least half the buffer (so each byte moved was paid for by a byte consumed),
    /// otherwise doubles the buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        int length = Length;
        if (_start > 0 && _start >= _buffer.Length / 2)
        {
            System.Buffer.BlockCopy(_buffer, _start, _buffer, 0, length);
            (_start, _position) = (0, length);
            if (_buffer.Length - _position >= size)
                return;
        }
        long wanted = Math.Max((long)_buffer.Length * 2, (long)_position + size);
        MemoryGiveBack.Dropped(_buffer.Length);
        Array.Resize(ref _buffer, (int)Math.Min(wanted, Array.MaxLength));
    }
}
