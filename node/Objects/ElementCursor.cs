namespace Istore.Node.Objects;

/// <summary>
/// A forward walk over a collection kept outside the object (a disk engine's subkeys): the
/// element's key (hash field, set member) and value, valid until the next <see cref="MoveNext"/>.
/// </summary>
public abstract class ElementCursor : IDisposable
{
    public abstract bool MoveNext();

    public abstract ReadOnlySpan<byte> Key { get; }

    public abstract ReadOnlySpan<byte> Value { get; }

    public abstract void Dispose();
}
