using Istore.Node.Engine;
using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>
/// SORT key [BY pattern] [LIMIT offset count] [GET pattern …] [ASC|DESC] [ALPHA] [STORE destination]
/// and SORT_RO (no STORE), as Redis 7's sort.c: numbers compare as doubles (ties by the bytes),
/// ALPHA compares bytes; BY and GET substitute the element for the first '*' of a pattern and read
/// that string, or "key->field" of that hash. STORE writes a list and is logged as its effect
/// (DEL, then RPUSH of the result): the values BY and GET read are not part of the log's state.
/// </summary>
public static class SortCommand
{
    private const string ScoreError = "ERR One or more scores can't be converted into double";

    public static void Register(HandlerTable t)
    {
        t.Add("SORT", c => Sort(c, readOnly: false));
        t.Add("SORT_RO", c => Sort(c, readOnly: true));
    }

    private sealed class Options
    {
        public bool Descending;
        public bool Alpha;
        public long LimitStart;
        public long LimitCount = -1;
        public byte[]? By;
        public bool DontSort;
        public readonly List<byte[]> Gets = [];
        public byte[]? Store;
    }

    /// <summary>One element to sort: the element itself and what it sorts by.</summary>
    private struct Item
    {
        public byte[] Element;
        public double Score;
        public byte[]? SortValue;
    }

    private static void Sort(CommandContext c, bool readOnly)
    {
        if (!TryParse(c, readOnly, out var options))
            return;
        var ks = c.Keyspace;
        using var scope = ks.Atomic();
        var type = ks.ReadObject(c.Arg(1), out var stored);
        if (type is not (KeyType.None or KeyType.List or KeyType.Set or KeyType.ZSet))
        {
            c.Output.WriteError(Errors.WrongType);
            return;
        }
        // A set has no order of its own: unsorted output must still be the same on every replica
        // (STORE) and to a script, whose effects replicas get.
        if (options.DontSort && type == KeyType.Set && (options.Store is not null || Scripting.Natives.Current is not null))
        {
            options.DontSort = false;
            options.Alpha = true;
            options.By = null;
        }
        long length = stored?.Length ?? 0;
        long start = options.LimitStart < 0 ? 0 : options.LimitStart;
        long end = options.LimitCount < 0 ? length - 1 : start + options.LimitCount - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length)
            end = length - 1;

        var items = Load(stored, options, ref start, ref end);
        if (!options.DontSort)
        {
            if (!TryScore(c, items, options))
            {
                c.Output.WriteError(ScoreError);
                return;
            }
            items.Sort((a, b) => Compare(a, b, options));
        }
        var output = new List<byte[]?>();
        for (long i = start; i <= end; i++)
        {
            var element = items[(int)i].Element;
            if (options.Gets.Count == 0)
                output.Add(element);
            foreach (var pattern in options.Gets)
                output.Add(Lookup(c, pattern, element));
        }
        if (options.Store is null)
        {
            c.Output.WriteArrayHeader(output.Count);
            foreach (var value in output)
            {
                if (value is null) c.Output.WriteNull();
                else c.Output.WriteBulkString(value);
            }
            return;
        }
        StoreList(c, options.Store, output);
        c.Output.WriteInteger(output.Count);
    }

    private static bool TryParse(CommandContext c, bool readOnly, out Options options)
    {
        options = new Options();
        for (int i = 2; i < c.Count; i++)
        {
            int left = c.Count - i - 1;
            if (c.ArgIs(i, "ASC"u8)) options.Descending = false;
            else if (c.ArgIs(i, "DESC"u8)) options.Descending = true;
            else if (c.ArgIs(i, "ALPHA"u8)) options.Alpha = true;
            else if (c.ArgIs(i, "LIMIT"u8) && left >= 2)
            {
                if (!c.TryInt64(i + 1, out options.LimitStart) || !c.TryInt64(i + 2, out options.LimitCount))
                    return false;
                i += 2;
            }
            else if (!readOnly && c.ArgIs(i, "STORE"u8) && left >= 1) options.Store = c.Arg(++i).ToArray();
            else if (c.ArgIs(i, "BY"u8) && left >= 1)
            {
                options.By = c.Arg(++i).ToArray();
                // A pattern without '*' names no per-element key: nothing to sort by.
                options.DontSort = options.By.AsSpan().IndexOf((byte)'*') < 0;
            }
            else if (c.ArgIs(i, "GET"u8) && left >= 1) options.Gets.Add(c.Arg(++i).ToArray());
            else
            {
                c.Output.WriteError(CommandErrors.Syntax);
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The elements to sort. Unsorted lists and sorted sets keep their own order (reversed by DESC)
    /// and load only the LIMIT range, which then starts at 0.
    /// </summary>
    private static List<Item> Load(StoredObject? stored, Options options, ref long start, ref long end)
    {
        var items = new List<Item>();
        void Add(ReadOnlySpan<byte> element) => items.Add(new Item { Element = element.ToArray() });
        bool ranged = options.DontSort && stored is ListValue or SortedSetValue;
        if (ranged && end < start)
            return items;
        switch (stored)
        {
            case ListValue list when ranged:
                for (long i = start; i <= end; i++)
                    Add(list[(int)(options.Descending ? list.Count - 1 - i : i)]);
                break;
            case ListValue list:
                foreach (var element in list.Range(0, list.Count - 1))
                    Add(element);
                break;
            case SortedSetValue zset when ranged:
                // EntriesAt takes ascending ranks; DESC counts its range from the highest.
                long first = options.Descending ? zset.Length - 1 - end : start;
                foreach (var blob in zset.EntriesAt(first, (int)(end - start + 1), options.Descending))
                    Add(ScoredMember.MemberOf(blob));
                break;
            case SortedSetValue zset:
                foreach (var entry in zset)
                    Add(entry.Member);
                break;
            case SetValue set:
                foreach (var entry in set)
                    Add(entry.Key);
                break;
        }
        if (ranged)
        {
            end -= start;
            start = 0;
        }
        return items;
    }

    /// <summary>Fills what each item sorts by; false when a numeric sort meets a value that is not a number.</summary>
    private static bool TryScore(CommandContext c, List<Item> items, Options options)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items);
        bool numbersOk = true;
        foreach (ref var item in span)
        {
            byte[]? by = options.By is null ? item.Element : Lookup(c, options.By, item.Element);
            if (by is null)
                continue;   // a missing BY key sorts as 0 (or first, with ALPHA)
            if (options.Alpha)
                item.SortValue = options.By is null ? null : by;
            else if (!TryParseScore(by, out item.Score))
                numbersOk = false;
        }
        return numbersOk;
    }

    /// <summary>C's strtod over the whole value, as SORT reads it: leading spaces allowed, an empty value is 0.</summary>
    private static bool TryParseScore(ReadOnlySpan<byte> text, out double score)
    {
        score = 0;
        int skip = 0;
        while (skip < text.Length && text[skip] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f')
            skip++;
        if (text.Length == 0)
            return true;
        if (!RedisNumber.TryParseDouble(text[skip..], out score))
            return false;
        // strtod reports overflow (ERANGE); only the words "inf"/"infinity" may give an infinity.
        return !double.IsInfinity(score) || text[skip..].IndexOfAny("iI"u8) >= 0;
    }

    private static int Compare(in Item a, in Item b, Options options)
    {
        int result;
        if (!options.Alpha)
        {
            result = a.Score > b.Score ? 1 : a.Score < b.Score ? -1 : a.Element.AsSpan().SequenceCompareTo(b.Element);
        }
        else if (options.By is not null)
        {
            result = a.SortValue is null || b.SortValue is null
                ? (a.SortValue is null ? 0 : 1) - (b.SortValue is null ? 0 : 1)
                : a.SortValue.AsSpan().SequenceCompareTo(b.SortValue);
        }
        else
        {
            result = a.Element.AsSpan().SequenceCompareTo(b.Element);
        }
        return options.Descending ? -Math.Sign(result) : Math.Sign(result);
    }

    /// <summary>
    /// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' takes the
    /// element, and "->field" after it reads a hash field. Null when missing or of another type.
    /// </summary>
    private static byte[]? Lookup(CommandContext c, byte[] pattern, byte[] element)
    {
        if (pattern is [(byte)'#'])
            return element;
        int star = Array.IndexOf(pattern, (byte)'*');
        if (star < 0)
            return null;
        var afterStar = pattern.AsSpan(star + 1);
        int arrow = afterStar.IndexOf("->"u8);
        bool field = arrow >= 0 && arrow + 2 < afterStar.Length;
        var suffix = field ? afterStar[..arrow] : afterStar;
        var key = new byte[star + element.Length + suffix.Length];
        pattern.AsSpan(0, star).CopyTo(key);
        element.CopyTo(key, star);
        suffix.CopyTo(key.AsSpan(star + element.Length));
        var ks = c.Keyspace;
        if (!field)
            return ks.ReadLive(key) == KeyType.String ? ks.Value.Span.ToArray() : null;
        return ks.ReadObject(key, out var stored) == KeyType.Hash && stored is HashValue hash && hash.TryGet(afterStar[(arrow + 2)..], out var value)
            ? value.ToArray()
            : null;
    }

    /// <summary>Replaces the destination with a list of the result (a missing GET value stored as ""), or deletes it when empty.</summary>
    private static void StoreList(CommandContext c, byte[] destination, List<byte[]?> values)
    {
        var elements = values.Select(v => v ?? []).ToList();
        ListObject? list = null;
        if (elements.Count > 0)
        {
            list = new ListObject(elements.Count);
            foreach (var element in elements)
                list.PushTail(element);
        }
        if (StoredResult.Replace(c.Keyspace, destination, list, "RPUSH"u8, elements) || list is not null)
            c.Notify(list is null ? PubSub.NotifyClass.Generic : PubSub.NotifyClass.List, list is null ? "del"u8 : "sortstore"u8, destination);
    }
}
