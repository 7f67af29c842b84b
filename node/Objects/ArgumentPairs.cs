using Istore.Net.Resp;

namespace Istore.Node.Objects;

/// <summary>
/// A command's arguments from <c>first</c> on as pairs for <see cref="PackedPairs.SetAll"/>: (field,
/// value) pairs (HSET), or members with empty values (SADD).
/// </summary>
internal readonly struct ArgumentPairs(CommandArgs args, int first, bool withValues) : PackedPairs.IPairSource
{
    public int Count => withValues ? (args.Count - first) / 2 : args.Count - first;

    public ReadOnlySpan<byte> Key(int index) => args[first + (withValues ? 2 * index : index)];

    public ReadOnlySpan<byte> Value(int index) => withValues ? args[first + 2 * index + 1] : default;
}
