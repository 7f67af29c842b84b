using System.Runtime.CompilerServices;

namespace Istore.Net.Resp;

/// <summary>
/// Parses client commands (RESP arrays of bulk strings, or Redis inline commands) straight out
/// of the receive buffer. Arguments become slices of that buffer; an incomplete frame consumes
/// nothing, so the caller simply calls again when more bytes have arrived.
/// </summary>
public static class RespRequestParser
{
    /// <summary>
    /// Tries to parse one command from <c>buffer[start..end)</c>. On <see cref="ParseResult.Complete"/>
    /// <paramref name="consumed"/> is the frame's length; an empty frame (<c>*0</c>, a blank line)
    /// completes with zero arguments and should be skipped. On a protocol error
    /// <paramref name="error"/> holds Redis's message. With <paramref name="partial"/>, a frame
    /// that stops short keeps its parsed arguments there and the next call resumes after them
    /// (the frame must then start at the same byte, wherever the buffer moved it).
    /// </summary>
    public static ParseResult TryParse(byte[] buffer, int start, int end, CommandArgs args, RespLimits limits,
        out int consumed, out string? error, PartialRequest? partial = null)
    {
        consumed = 0;
        error = null;
        if (start >= end)
            return ParseResult.Incomplete;
        partial?.ClearAwaited();
        if (partial is { Active: true })
            return ResumeMultiBulk(buffer, start, end, args, limits, partial, out consumed, out error);
        return buffer[start] == (byte)'*'
            ? ParseMultiBulk(buffer, start, end, args, limits, partial, out consumed, out error)
            : ParseInline(buffer, start, end, args, limits, out consumed, out error);
    }

    private static ParseResult ParseMultiBulk(byte[] buffer, int start, int end, CommandArgs args, RespLimits limits,
        PartialRequest? partial, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var span = buffer.AsSpan(0, end);
        int pos = start + 1;
        if (!TryReadShortLength(span, pos, out long count, out int lineEnd))
        {
            if (!TryReadLine(span, pos, out lineEnd))
                return TooLongWithoutNewline(end - start, limits.MaxInlineLength, "Protocol error: too big mbulk count string", out error);
            if (span[lineEnd + 1] != (byte)'\n' || !TryParseLength(span[pos..lineEnd], out count))
                return Fail("Protocol error: invalid multibulk length", out error);
        }
        if (count > limits.MaxArguments)
            return Fail("Protocol error: invalid multibulk length", out error);
        pos = lineEnd + 2;
        args.Reset(buffer, (int)Math.Clamp(count, 0, 1024));
        for (long i = 0; i < count; i++)
        {
            var result = ParseBulk(span, ref pos, limits, out int offset, out int length, out error);
            if (result == ParseResult.Incomplete && partial is not null)
            {
                partial.Await(start, offset, length);
                if (args.Count >= PartialRequest.KeepFrom)
                    partial.Keep(count, args, start, pos - start);
            }
            if (result != ParseResult.Complete)
                return result;
            args.Add(offset, length);
        }
        consumed = pos - start;
        args.SetFrame(start, consumed);
        return ParseResult.Complete;
    }

    /// <summary>Continues a frame <paramref name="partial"/> kept: only the arguments that were not parsed yet are read.</summary>
    private static ParseResult ResumeMultiBulk(byte[] buffer, int start, int end, CommandArgs args, RespLimits limits,
        PartialRequest partial, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        var span = buffer.AsSpan(0, end);
        int pos = start + partial.Resume;
        while (partial.Parsed < partial.Count)
        {
            var result = ParseBulk(span, ref pos, limits, out int offset, out int length, out error);
            if (result == ParseResult.ProtocolError)
                partial.Clear();
            if (result == ParseResult.Incomplete)
                partial.Await(start, offset, length);
            if (result != ParseResult.Complete)
                return result;
            partial.Add(offset - start, length);
            partial.Resume = pos - start;
        }
        partial.Complete(args, buffer, start);
        consumed = pos - start;
        args.SetFrame(start, consumed);
        return ParseResult.Complete;
    }

    /// <summary>
    /// One <c>$len\r\n…\r\n</c> argument at <paramref name="pos"/>, which moves past it only when
    /// the whole argument is there. Incomplete after a whole header, <paramref name="offset"/> and
    /// <paramref name="length"/> still say where the data goes and how long it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseResult ParseBulk(ReadOnlySpan<byte> span, ref int pos, RespLimits limits,
        out int offset, out int length, out string? error)
    {
        offset = 0;
        length = 0;
        error = null;
        int end = span.Length;
        if (pos >= end)
            return ParseResult.Incomplete;
        if (span[pos] != (byte)'$')
            return Fail($"Protocol error: expected '$', got '{(char)span[pos]}'", out error);
        if (!TryReadShortLength(span, pos + 1, out long bulkLength, out int lineEnd))
        {
            if (!TryReadLine(span, pos + 1, out lineEnd))
                return TooLongWithoutNewline(end - pos, limits.MaxInlineLength, "Protocol error: too big bulk count string", out error);
            if (span[lineEnd + 1] != (byte)'\n' || !TryParseLength(span[(pos + 1)..lineEnd], out bulkLength) || bulkLength < 0)
                return Fail("Protocol error: invalid bulk length", out error);
        }
        if (bulkLength > limits.MaxBulkLength)
            return Fail("Protocol error: invalid bulk length", out error);
        int dataStart = lineEnd + 2;
        if (end - dataStart < bulkLength + 2)
        {
            offset = dataStart;
            length = (int)bulkLength;
            return ParseResult.Incomplete;
        }
        int dataEnd = dataStart + (int)bulkLength;
        if (span[dataEnd] != (byte)'\r' || span[dataEnd + 1] != (byte)'\n')
            return Fail("Protocol error: expected CRLF after bulk data", out error);
        offset = dataStart;
        length = (int)bulkLength;
        pos = dataEnd + 2;
        return ParseResult.Complete;
    }

    /// <summary>An inline command: one line of space-separated words, with Redis's quoting rules.</summary>
    private static ParseResult ParseInline(byte[] buffer, int start, int end, CommandArgs args, RespLimits limits,
        out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
        if (newline < 0)
            return TooLongWithoutNewline(end - start, limits.MaxInlineLength, "Protocol error: too big inline request", out error);
        int lineEnd = start + newline;
        if (lineEnd > start && buffer[lineEnd - 1] == (byte)'\r')
            lineEnd--;
        args.Reset(buffer, 8);
        if (!InlineSplitter.Split(buffer, start, lineEnd, args))
            return Fail("Protocol error: unbalanced quotes in request", out error);
        consumed = newline + 1;
        return ParseResult.Complete;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadLine(ReadOnlySpan<byte> span, int from, out int lineEnd)
    {
        int cr = span[from..].IndexOf((byte)'\r');
        lineEnd = from + cr;
        return cr >= 0 && lineEnd + 1 < span.Length;
    }

    /// <summary>
    /// A length line in its usual form, up to 10 digits (no leading zero) and CRLF, read without
    /// searching for the CR. False sends the caller to the general path, which reads every other
    /// form and finds every error, so both paths agree on what they both accept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadShortLength(ReadOnlySpan<byte> span, int from, out long value, out int lineEnd)
    {
        value = 0;
        int i = from;
        int limit = Math.Min(span.Length, from + 10);
        for (uint digit; i < limit && (digit = (uint)(span[i] - '0')) <= 9; i++)
            value = value * 10 + digit;
        lineEnd = i;
        int digits = i - from;
        return digits > 0 && (digits == 1 || span[from] != (byte)'0')
            && i + 1 < span.Length && span[i] == (byte)'\r' && span[i + 1] == (byte)'\n';
    }

    /// <summary>Without a newline yet: wait, unless the header is already longer than any valid one.</summary>
    private static ParseResult TooLongWithoutNewline(int available, int limit, string message, out string? error)
    {
        error = null;
        return available > limit ? Fail(message, out error) : ParseResult.Incomplete;
    }

    private static ParseResult Fail(string message, out string? error)
    {
        error = message;
        return ParseResult.ProtocolError;
    }

    /// <summary>A RESP length as Redis's string2ll reads it: optional '-', digits without leading zeros, no overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryParseLength(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.Length == 1 && text[0] == (byte)'0')
            return true;
        bool negative = !text.IsEmpty && text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i >= text.Length || text.Length - i > 18 || text[i] == (byte)'0')
            return false;   // 18 digits cannot overflow; no valid length is longer
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9)
                return false;
            value = value * 10 + digit;
        }
        if (negative)
            value = -value;
        return true;
    }
}
