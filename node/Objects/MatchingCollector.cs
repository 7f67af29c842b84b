using Istore.Node.Keyspace;

namespace Istore.Node.Objects;

/// <summary>A <see cref="ScanTable{TEntry}.Scan"/> visitor that adds the reply items of each entry whose key matches a pattern.</summary>
public readonly struct MatchingCollector<TEntry>(List<byte[]> into, GlobPattern? pattern, Action<List<byte[]>, TEntry> emit) : IEntryVisitor<TEntry>
    where TEntry : struct, IScanEntry
{
    public void Visit(ref TEntry entry)
    {
        if (pattern is null || pattern.IsMatch(entry.Key))
            emit(into, entry);
    }
}
