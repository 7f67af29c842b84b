namespace Istore.Node.Engine;

/// <summary>A session that removes every key at once (range deletes) instead of key by key (FLUSHALL on a disk engine).</summary>
public interface IBulkDelete
{
    void DeleteAll();
}
