namespace Istore.Node.Engine;

/// <summary>
/// A change to a live string's bytes that keeps their length, which an engine can make inside its
/// record (<see cref="IEngineSession.TryEditInPlace"/>) instead of reading and rewriting the value:
/// PFADD raising a dense HyperLogLog's registers.
/// </summary>
public interface IStringEdit
{
    /// <summary>Changes <paramref name="value"/> and returns true (<paramref name="changed"/>: whether a byte differs), or returns false having changed nothing.</summary>
    bool TryEdit(Span<byte> value, out bool changed);

    /// <summary>Whether <see cref="TryEdit"/> would take <paramref name="value"/> and change no byte: an engine that must copy a value to edit it asks first.</summary>
    bool LeavesAsIs(ReadOnlySpan<byte> value);
}
