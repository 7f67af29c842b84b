using Istore.Node.Engine;
using Istore.Node.Keyspace;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>What a pop-and-push between two lists did.</summary>
public enum MoveOutcome
{
    Moved,
    /// <summary>The source is missing (an empty list has no key).</summary>
    SourceMissing,
    SourceWrongType,
    DestinationWrongType,
}

/// <summary>
/// The list operations the plain commands and the served blocking commands share: they work on a
/// keyspace session (the caller holds its write lock) rather than a command context, because a
/// blocked client is served on the thread of the client whose push woke it.
/// </summary>
public static class ListOps
{
    /// <summary>The list at <paramref name="key"/>, null when missing; <paramref name="wrongType"/> when another type is there.</summary>
    public static ListValue? Read(KeyspaceSession ks, ReadOnlySpan<byte> key, out bool wrongType)
    {
        var type = ks.ReadObject(key, out var stored);
        wrongType = type != KeyType.None && stored is not ListValue;
        return stored as ListValue;
    }

    /// <summary>Pops up to <paramref name="count"/> elements from one end, in popping order (the caller reports the change).</summary>
    public static byte[][] Pop(ListValue list, bool fromHead, long count)
    {
        var popped = new byte[Math.Min(count, list.Count)][];
        for (int i = 0; i < popped.Length; i++)
            popped[i] = fromHead ? list.PopHead() : list.PopTail();
        return popped;
    }

    /// <summary>Pops up to <paramref name="count"/> elements from the list at <paramref name="key"/>: null when there is no list there.</summary>
    public static byte[][]? PopFrom(KeyspaceSession ks, ReadOnlySpan<byte> key, bool fromHead, long count)
    {
        var list = Read(ks, key, out _);
        if (list is null)
            return null;
        var popped = Pop(list, fromHead, count);
        ks.Notify(PubSub.NotifyClass.List, fromHead ? "lpop"u8 : "rpop"u8, key);
        ks.ObjectChanged(key, list);
        return popped;
    }

    /// <summary>
    /// LMOVE's effect: pops from one end of the source and pushes to one end of the destination
    /// (created when missing; the same key rotates). Types are checked before anything changes.
    /// </summary>
    public static MoveOutcome Move(KeyspaceSession ks, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        bool fromHead, bool toHead, out byte[] element)
    {
        element = [];
        var from = Read(ks, source, out bool wrongType);
        if (wrongType)
            return MoveOutcome.SourceWrongType;
        if (from is null)
            return MoveOutcome.SourceMissing;
        // One key rotates through one object: an engine may hand out a separate view per read.
        var to = source.SequenceEqual(destination) ? from : Read(ks, destination, out wrongType);
        if (wrongType)
            return MoveOutcome.DestinationWrongType;
        if (to is null)
        {
            to = (ListValue)ks.StoreObject(destination, new ListObject());
        }
        element = fromHead ? from.PopHead() : from.PopTail();
        if (toHead) to.PushHead(element);
        else to.PushTail(element);
        ks.Notify(PubSub.NotifyClass.List, toHead ? "lpush"u8 : "rpush"u8, destination);
        ks.Notify(PubSub.NotifyClass.List, fromHead ? "lpop"u8 : "rpop"u8, source);
        ks.ObjectChanged(source, from);
        ks.ObjectChanged(destination, to);
        return MoveOutcome.Moved;
    }

    /// <summary>Parses LEFT or RIGHT (true for LEFT, the head), or replies a syntax error.</summary>
    public static bool TryParseEnd(CommandContext c, int index, out bool head)
    {
        head = c.ArgIs(index, "LEFT"u8);
        if (head || c.ArgIs(index, "RIGHT"u8))
            return true;
        c.Output.WriteError(CommandErrors.Syntax);
        return false;
    }
}
