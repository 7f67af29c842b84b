using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// A destination replaced by a computed result (SORT … STORE, GEORADIUS … STORE, GEOSEARCHSTORE),
/// logged as its effect — DEL, then one command that rebuilds the value — since the computation
/// reads state (strings for BY/GET, floating-point distances) a replay need not reproduce.
/// </summary>
internal static class StoredResult
{
    /// <summary>
    /// Replaces <paramref name="destination"/> with <paramref name="value"/> (null: deletes it) and
    /// logs "DEL destination" when it existed, then "<paramref name="command"/> destination
    /// <paramref name="arguments"/>…" when there is a value. The caller holds an atomic scope.
    /// Returns whether the destination existed (an empty result is a "del" event only then, as in Redis).
    /// </summary>
    public static bool Replace(KeyspaceSession ks, byte[] destination, StoredObject? value, ReadOnlySpan<byte> command, List<byte[]> arguments)
    {
        bool existed = ks.DeleteUnlogged(destination);
        if (value is not null)
            ks.StoreObject(destination, value);
        if (existed)
        {
            using var log = ks.BeginRecord(2);
            log.Arg("DEL"u8);
            log.Arg(destination);
        }
        if (value is not null)
        {
            using var log = ks.BeginRecord(2 + arguments.Count);
            log.Arg(command);
            log.Arg(destination);
            foreach (var argument in arguments)
                log.Arg(argument);
        }
        return existed;
    }
}
