namespace Istore.Node.Engine;

public static class EngineSessionExtensions
{
    /// <summary>Removes every key (FLUSHALL): collect a pass of keys first, since scanning and deleting do not mix.</summary>
    public static void DeleteAll(this IEngineSession session)
    {
        if (session is IBulkDelete bulk)
        {
            bulk.DeleteAll();
            return;
        }
        var keys = new List<byte[]>();
        long cursor = 0;
        do cursor = session.Scan(cursor, 4096, (key, _, _) => keys.Add(key.ToArray()));
        while (cursor != 0);
        foreach (var key in keys)
            session.Delete(key);
    }
}
