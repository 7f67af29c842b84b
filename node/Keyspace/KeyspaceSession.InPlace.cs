using Istore.Net.Resp;
using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>
/// Writes the engine makes inside a string's record, for the caller's write scope, where it can
/// (the memory engine: a live record in FASTER's mutable region): INCRBY, a new expiry, a
/// same-length edit (PFADD into a dense HyperLogLog). Each has the effects of reading and
/// rewriting the value; each returns false, having done nothing, when the engine cannot, and the
/// caller reads and writes instead.
/// </summary>
public sealed partial class KeyspaceSession
{
    /// <summary>
    /// INCRBY's fast path, for the caller's write scope: when the engine can add to the live integer
    /// string in place, the same effects as reading it and <see cref="Set"/>ting the sum, in one
    /// engine operation. False, with nothing done, otherwise: the caller reads and writes, which
    /// gives a missing, expired, wrong-type or non-integer key its answer.
    /// </summary>
    public bool TryIncrementInPlace(ReadOnlySpan<byte> key, long by, out long result)
    {
        if (!_engine.TryIncrementInPlace(key, by, ExpiredBy, out result, out long expireAt))
            return false;
        Touched(key);   // the read and the store count as one use, as in Set after ReadLive
        KeyChanged(key);
        SignalRemoved(key);
        Span<byte> text = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(result, text, out int length);
        LogSet(key, text[..length], expireAt);
        return true;
    }

    /// <summary>
    /// A same-length change to a live string in one engine operation, for the caller's write scope,
    /// where the engine can make it in place: logged as <paramref name="command"/>, which must
    /// rebuild the value from any later state of the key (as for <see cref="SetLoggedAs"/>), when
    /// it changed a byte. False, with nothing done, otherwise: the caller reads and writes.
    /// </summary>
    public bool TryEditInPlace(ReadOnlySpan<byte> key, IStringEdit edit, CommandArgs command, out bool changed)
    {
        if (!_engine.TryEditInPlace(key, edit, ExpiredBy, out changed))
            return false;
        Touched(key);
        if (changed)
        {
            KeyChanged(key);
            LogCommand(command);
        }
        return true;
    }

    /// <summary>
    /// EXPIRE's fast path, for the caller's write scope: a future expiry for a key the engine can
    /// re-time in place (a live string that has an expiry), without looking the key up first.
    /// False, with nothing done, otherwise: the caller looks the key up and takes <see cref="RetimeLive"/>.
    /// </summary>
    public bool TrySetExpiryInPlace(ReadOnlySpan<byte> key, long expireAt)
    {
        if (expireAt == 0 || IsExpired(expireAt) || !_engine.TrySetExpiryInPlace(key, expireAt, ExpiredBy))
            return false;
        ExpiryChanged(key, expireAt);
        return true;
    }
}
