using Istore.Node.Objects;

namespace Istore.Node.Engine.Disk;

/// <summary>
/// An iterator over one sorted set's or ranklist's <c>score</c> entries, either way: valid only on its own
/// keys (the command's pending writes are merged in and are not bounded by the iterator).
/// </summary>
internal sealed class ScoreWalk(Native.Iterator iterator, byte[] prefix, bool descending) : IDisposable
{
    public bool Valid
    {
        get
        {
            if (iterator.Valid)
                return iterator.Key.StartsWith(prefix);
            iterator.ThrowIfError();
            return false;
        }
    }

    public ReadOnlySpan<byte> Key => iterator.Key;

    public double Score => Current(out _);

    public ReadOnlySpan<byte> Member => iterator.Key[(prefix.Length + 8)..];

    /// <summary>The entry's score and member, from one read of the key and value (a recall reads thousands).</summary>
    public double Current(out ReadOnlySpan<byte> member)
    {
        var key = iterator.Key;
        var value = iterator.Value;
        member = key[(prefix.Length + 8)..];
        return value.Length == 8
            ? DiskFormat.ReadScoreValue(value)   // -0, which the key writes as 0
            : DiskFormat.ReadIndexedScore(key[prefix.Length..], descending);
    }

    public void Seek(ReadOnlySpan<byte> key) => iterator.Seek(key);

    /// <summary>Moves to the last key at or before <paramref name="key"/>.</summary>
    public void SeekLast(ReadOnlySpan<byte> key) => iterator.SeekForPrev(key);

    public void Next() => iterator.Next();

    public void Move(bool backward)
    {
        if (backward)
            iterator.Prev();
        else
            iterator.Next();
    }

    /// <summary>The current entry as a [member][score] blob.</summary>
    public byte[] Entry() => ScoredMember.Pack(Member, Score);

    public void Dispose() => iterator.Dispose();
}
