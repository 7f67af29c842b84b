using System.Buffers;
using Istore.Node.Engine;

namespace Istore.Node.Commands;

/// <summary>
/// The string at argument 1 opened for a bit-level update (SETBIT, BITFIELD): a pooled copy,
/// zero-padded to hold a given bit, written back by <see cref="Commit"/> with the key's TTL kept.
/// The caller holds the write lock.
/// </summary>
internal sealed class WritableString : IDisposable
{
    private readonly CommandContext _context;
    private readonly byte[] _buffer;
    private readonly int _length;
    private readonly long _expireAt;
    private readonly bool _grown;

    private WritableString(CommandContext context, byte[] buffer, int length, long expireAt, bool grown)
    {
        _context = context;
        _buffer = buffer;
        _length = length;
        _expireAt = expireAt;
        _grown = grown;
    }

    public Span<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Set by the caller when it changed a byte.</summary>
    public bool Changed { get; set; }

    /// <summary>The string, long enough to hold bit <paramref name="lastBit"/>; null after WRONGTYPE.</summary>
    public static WritableString? Open(CommandContext c, long lastBit)
    {
        var ks = c.Keyspace;
        var type = ks.ReadLive(c.Arg(1));
        if (type is not (KeyType.None or KeyType.String))
        {
            c.Output.WriteError(Errors.WrongType);
            return null;
        }
        bool exists = type == KeyType.String;
        int current = exists ? ks.Value.Length : 0;
        long length = Math.Max(current, (lastBit >> 3) + 1);
        ks.EnsureFits(c.Arg(1), length);
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        if (exists)
            ks.Value.Span.CopyTo(buffer);
        buffer.AsSpan(current, (int)length - current).Clear();
        return new WritableString(c, buffer, (int)length, exists ? ks.Value.ExpireAt : 0, grown: !exists || length != current);
    }

    /// <summary>
    /// Stores the value when it was created, grown or changed (Redis writes nothing otherwise),
    /// logged as the command itself when <paramref name="commandIsAbsolute"/> (it sets bits to
    /// given values, whatever they were: SETBIT, BITFIELD without INCRBY), else as the whole value.
    /// </summary>
    public void Commit(bool commandIsAbsolute)
    {
        if (!Changed && !_grown)
            return;
        if (commandIsAbsolute)
            _context.Keyspace.SetLoggedAs(_context.Arg(1), Bytes, _expireAt, _context.Args);
        else
            _context.Keyspace.Set(_context.Arg(1), Bytes, _expireAt);
        _context.Notify(PubSub.NotifyClass.String, "setbit"u8, _context.Arg(1));   // SETBIT and BITFIELD alike, as Redis
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
