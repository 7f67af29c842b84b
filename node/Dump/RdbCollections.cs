using Istore.Node.Objects;

namespace Istore.Node.Dump;

/// <summary>
/// Reads lists, sets, sorted sets and hashes in each RDB encoding into memory objects. As Redis
/// refuses them, empty collections, duplicate members or fields, and NaN scores are bad data.
/// </summary>
internal static class RdbCollections
{
    public static ListObject ReadList(ref RdbReader reader, byte type)
    {
        var list = new ListObject();
        switch (type)
        {
            case RdbType.List:
                for (int n = reader.ReadCount(); n > 0; n--)
                    list.PushTail(reader.ReadString().ToArray());
                break;
            case RdbType.ListZiplist:
                AddZiplist(list, reader.ReadString());
                break;
            case RdbType.ListQuicklist:
                for (int n = reader.ReadCount(); n > 0; n--)
                    AddZiplist(list, reader.ReadString());
                break;
            default:
                for (int n = reader.ReadCount(); n > 0; n--)
                {
                    ulong container = reader.ReadLength();
                    var node = reader.ReadString();
                    if (container == RdbType.QuicklistPlain)
                    {
                        list.PushTail(node.ToArray());
                        continue;
                    }
                    if (container != RdbType.QuicklistPacked)
                        throw new BadDumpFormatException("unknown quicklist container");
                    var listpack = new Listpack(node);
                    if (!listpack.MoveNext())
                        throw new BadDumpFormatException("empty quicklist node");
                    do
                        list.PushTail(listpack.Current.ToArray());
                    while (listpack.MoveNext());
                }
                break;
        }
        return list.Count > 0 ? list : throw Empty();
    }

    private static void AddZiplist(ListObject list, ReadOnlySpan<byte> data)
    {
        var ziplist = new Ziplist(data);
        while (ziplist.MoveNext())
            list.PushTail(ziplist.Current.ToArray());
    }

    public static SetObject ReadSet(ref RdbReader reader, byte type)
    {
        SetObject set;
        if (type == RdbType.SetIntset)
        {
            var members = Intset.Read(reader.ReadString());
            set = new SetObject(members.Count);
            foreach (var member in members)
                AddMember(set, member);
        }
        else
        {
            int count = reader.ReadCount();
            set = new SetObject(Math.Min(count, 1 << 16));
            for (int i = 0; i < count; i++)
                AddMember(set, reader.ReadString());
        }
        return set.Length > 0 ? set : throw Empty();
    }

    private static void AddMember(SetObject set, ReadOnlySpan<byte> member)
    {
        if (!set.Add(member))
            throw new BadDumpFormatException("duplicate set member");
    }

    public static SortedSetObject ReadSortedSet(ref RdbReader reader, byte type)
    {
        var sortedSet = new SortedSetObject();
        if (type is RdbType.ZSet or RdbType.ZSet2)
        {
            for (int n = reader.ReadCount(); n > 0; n--)
            {
                var member = reader.ReadString();
                double score = type == RdbType.ZSet2 ? reader.ReadBinaryDouble() : reader.ReadTextDouble();
                AddEntry(sortedSet, member, score);
            }
        }
        else if (type == RdbType.ZSetZiplist)
        {
            var ziplist = new Ziplist(reader.ReadString());
            while (ziplist.MoveNext())
            {
                var member = ziplist.Current.ToArray();
                AddEntry(sortedSet, member, ziplist.MoveNext() ? RdbReader.ParseDouble(ziplist.Current) : throw OddPairs());
            }
        }
        else
        {
            var listpack = new Listpack(reader.ReadString());
            while (listpack.MoveNext())
            {
                var member = listpack.Current.ToArray();
                AddEntry(sortedSet, member, listpack.MoveNext() ? RdbReader.ParseDouble(listpack.Current) : throw OddPairs());
            }
        }
        return sortedSet.Length > 0 ? sortedSet : throw Empty();
    }

    private static void AddEntry(SortedSetObject sortedSet, ReadOnlySpan<byte> member, double score)
    {
        if (double.IsNaN(score))
            throw new BadDumpFormatException("NaN score");
        if (!sortedSet.Set(member, score))
            throw new BadDumpFormatException("duplicate sorted set member");
    }

    public static HashObject ReadHash(ref RdbReader reader, byte type)
    {
        var hash = new HashObject();
        switch (type)
        {
            case RdbType.Hash:
                for (int n = reader.ReadCount(); n > 0; n--)
                {
                    var field = reader.ReadString().ToArray();
                    AddField(hash, field, reader.ReadString());
                }
                break;
            case RdbType.HashZipmap:
                foreach (var (field, value) in Zipmap.Read(reader.ReadString()))
                    AddField(hash, field, value);
                break;
            case RdbType.HashZiplist:
                var ziplist = new Ziplist(reader.ReadString());
                while (ziplist.MoveNext())
                {
                    var field = ziplist.Current.ToArray();
                    AddField(hash, field, ziplist.MoveNext() ? ziplist.Current : throw OddPairs());
                }
                break;
            default:
                var listpack = new Listpack(reader.ReadString());
                while (listpack.MoveNext())
                {
                    var field = listpack.Current.ToArray();
                    AddField(hash, field, listpack.MoveNext() ? listpack.Current : throw OddPairs());
                }
                break;
        }
        return hash.Count > 0 ? hash : throw Empty();
    }

    private static void AddField(HashObject hash, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (!hash.Set(field, value))
            throw new BadDumpFormatException("duplicate hash field");
    }

    private static BadDumpFormatException Empty() => new("empty collection");

    private static BadDumpFormatException OddPairs() => new("a field without its value");
}
