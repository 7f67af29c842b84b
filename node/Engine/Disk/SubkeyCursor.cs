namespace Istore.Node.Engine.Disk;

/// <summary>Walks one collection's subkeys in field order, from a given field: the element's field and value.</summary>
internal sealed class SubkeyCursor(Native.Iterator iterator, byte[] prefix, ReadOnlySpan<byte> from = default) : Objects.ElementCursor
{
    private readonly byte[] _from = from.ToArray();
    private bool _started;

    public override bool MoveNext()
    {
        if (_started)
        {
            iterator.Next();
        }
        else
        {
            _started = true;
            iterator.Seek([.. prefix, .. _from]);
        }
        if (iterator.Valid && iterator.Key.StartsWith(prefix))
            return true;
        iterator.ThrowIfError();
        return false;
    }

    public override ReadOnlySpan<byte> Key => iterator.Key[prefix.Length..];

    public override ReadOnlySpan<byte> Value => iterator.Value;

    public override void Dispose() => iterator.Dispose();
}
