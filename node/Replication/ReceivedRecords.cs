using Istore.Net.Resp;

namespace Istore.Node.Replication;

/// <summary>
/// How much of the stream a replica holds in whole records beyond what it has applied: the offset
/// it can acknowledge as received before applying them, which is what semi-synchronous writes wait
/// for (the records are in this process and are applied before the link does anything else, so a
/// master killed now loses none of them). Each byte is scanned once, a record in pieces included;
/// positions count from the reader's start, so the buffer may move under them.
/// </summary>
internal sealed class ReceivedRecords
{
    private readonly PartialReply _partial = new();
    private int _scannedBytes;   // from the reader's start: whole records and keepalive newlines
    private long _streamBytes;   // the records among them (a keepalive is not part of the stream)

    /// <summary>Scans what arrived since the last call; returns the stream bytes held in whole records beyond the applied offset.</summary>
    public long Scan(byte[] buffer, int start, int end)
    {
        int position = start + _scannedBytes;
        while (position < end)
        {
            int length = 1;
            if (buffer[position] != (byte)'\n')
            {
                // An incomplete record waits for more bytes; a bad one is the applier's to report.
                if (RespFrameScanner.TryScan(buffer.AsSpan(position, end - position), _partial, out length, out _) != ParseResult.Complete)
                    break;
                _streamBytes += length;
            }
            position += length;
            _scannedBytes += length;
        }
        return _streamBytes;
    }

    /// <summary>The applier consumed <paramref name="bytes"/> from the reader's start, <paramref name="streamBytes"/> of them records.</summary>
    public void Consumed(int bytes, long streamBytes)
    {
        _scannedBytes -= bytes;
        _streamBytes -= streamBytes;
    }
}
