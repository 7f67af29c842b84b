using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>RedisBloom's BF.* commands on <see cref="BloomValue"/>, whichever engine holds it, with RedisBloom's replies and error strings.</summary>
public static class BloomCommands
{
    private const string NotFound = "ERR not found";

    /// <summary>The largest filter layer created on request: keeps a typo in a capacity from taking the node's memory.</summary>
    private const long MaxLayerBits = 1L << 34;

    public static void Register(HandlerTable t)
    {
        t.Add("BF.RESERVE", Reserve);
        t.Add("BF.ADD", static c => AddItems(c, new BloomParameters(), firstItem: 2, multi: false));
        t.Add("BF.MADD", static c => AddItems(c, new BloomParameters(), firstItem: 2, multi: true));
        t.Add("BF.EXISTS", static c => Exists(c, multi: false));
        t.Add("BF.MEXISTS", static c => Exists(c, multi: true));
        t.Add("BF.INSERT", Insert);
        t.Add("BF.INFO", Info);
        t.Add("BF.CARD", Card);
    }

    private sealed class BloomParameters
    {
        public double ErrorRate = BloomValue.DefaultErrorRate;
        public long Capacity = BloomValue.DefaultCapacity;
        public int Expansion = BloomValue.DefaultExpansion;
        public bool NonScaling;
        public bool NoCreate;

        public BloomObject Create() => new(ErrorRate, Capacity, Expansion, NonScaling);
    }

    /// <summary>
    /// BF.RESERVE key error_rate capacity [EXPANSION e] [NONSCALING] → OK; "item exists" when the
    /// key holds a filter. Other words are ignored and the checks run in RedisBloom 2.6's order.
    /// </summary>
    private static void Reserve(CommandContext c)
    {
        if (c.Count > 7)
        {
            c.WrongArity();
            return;
        }
        var parameters = new BloomParameters();
        if (!TryErrorRate(c, 2, parameters) || !TryCapacity(c, 3, parameters))
            return;
        int expansionAt = IndexOf(c, "EXPANSION"u8);
        parameters.NonScaling = IndexOf(c, "NONSCALING"u8) > 0;
        if (expansionAt == c.Count - 1)
        {
            c.Output.WriteError("ERR no expansion");
            return;
        }
        if (expansionAt > 0 && parameters.NonScaling)
        {
            c.Output.WriteError("Nonscaling filters cannot expand");
            return;
        }
        if ((expansionAt > 0 && !TryExpansion(c, expansionAt + 1, parameters)) || !FitsInMemory(c, parameters))
            return;
        using var write = c.Keyspace.Lock();
        var type = c.Keyspace.ReadObject(c.Arg(1), out _);
        if (type != Engine.KeyType.None)
        {
            c.Output.WriteError(type == Engine.KeyType.Bloom ? "ERR item exists" : Errors.WrongType);
            return;
        }
        c.Keyspace.StoreObject(c.Arg(1), parameters.Create());
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteOk();
    }

    /// <summary>
    /// BF.INSERT key [CAPACITY c] [ERROR e] [EXPANSION e] [NOCREATE] [NONSCALING] ITEMS item [item …],
    /// with RedisBloom's INSERT errors (no ERR prefix); NONSCALING wins over EXPANSION here.
    /// </summary>
    private static void Insert(CommandContext c)
    {
        var parameters = new BloomParameters();
        int i = 2;
        for (; i < c.Count && !c.ArgIs(i, "ITEMS"u8); i++)
        {
            bool hasValue = i + 1 < c.Count;
            if (c.ArgIs(i, "NOCREATE"u8))
                parameters.NoCreate = true;
            else if (c.ArgIs(i, "NONSCALING"u8))
                parameters.NonScaling = true;
            else if (!c.ArgIs(i, "CAPACITY"u8) && !c.ArgIs(i, "ERROR"u8) && !c.ArgIs(i, "EXPANSION"u8))
            {
                c.Output.WriteError("Unknown argument received");
                return;
            }
            else if (!hasValue)
                break;
            else if (!TryInsertOption(c, i++, parameters))
                return;
        }
        if (i + 1 >= c.Count)
        {
            c.WrongArity();
            return;
        }
        if (parameters.ErrorRate is not (> 0 and < 1) || parameters.Capacity < 1 || parameters.Expansion < 1)
        {
            c.Output.WriteError("Bad argument received");
            return;
        }
        if (FitsInMemory(c, parameters))
            AddItems(c, parameters, firstItem: i + 1, multi: true);
    }

    /// <summary>CAPACITY, ERROR or EXPANSION at <paramref name="at"/> with its value after it; false after RedisBloom's "Bad …" error.</summary>
    private static bool TryInsertOption(CommandContext c, int at, BloomParameters parameters)
    {
        var value = c.Arg(at + 1);
        if (c.ArgIs(at, "CAPACITY"u8))
            return RedisNumber.TryParseInt64(value, out parameters.Capacity) || Fail(c, "Bad capacity");
        if (c.ArgIs(at, "ERROR"u8))
            return RedisNumber.TryParseDouble(value, out parameters.ErrorRate) || Fail(c, "Bad error rate");
        if (!RedisNumber.TryParseInt64(value, out long expansion))
            return Fail(c, "Bad expansion");
        parameters.Expansion = (int)Math.Clamp(expansion, 0, int.MaxValue);
        return true;
    }

    /// <summary>
    /// BF.ADD (one answer), BF.MADD and BF.INSERT (one per item): 1 when new, 0 when maybe seen
    /// (booleans in RESP3). A full non-scaling filter answers an error in the item's place and ends
    /// the reply there, as RedisBloom does.
    /// </summary>
    private static void AddItems(CommandContext c, BloomParameters parameters, int firstItem, bool multi)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out BloomValue? bloom))
            return;
        bool changed = false;
        if (bloom is null)
        {
            if (parameters.NoCreate)
            {
                c.Output.WriteError(NotFound);
                return;
            }
            // The engine may hold it in a form of its own (a disk engine's view): add to what it stored.
            bloom = (BloomValue)c.Keyspace.StoreObject(c.Arg(1), parameters.Create());
            changed = true;
        }
        // The answers are known before the reply's length: 1 added, 0 maybe seen, -1 refused (the last one).
        int items = c.Count - firstItem, answered = 0;
        Span<sbyte> answers = items <= 256 ? stackalloc sbyte[items] : new sbyte[items];
        while (answered < items && (answered == 0 || answers[answered - 1] >= 0))
        {
            bool? added = bloom.Add(c.Arg(firstItem + answered));
            answers[answered++] = added switch { null => -1, true => 1, false => 0 };
        }
        if (multi)
            c.Output.WriteArrayHeader(answered);
        foreach (sbyte answer in answers[..answered])
        {
            if (answer < 0)
                c.Output.WriteError("ERR non scaling filter is full");
            else
                WriteFlag(c, answer > 0);
            changed |= answer > 0;
        }
        if (changed)
        {
            c.Keyspace.ObjectChanged(c.Arg(1), bloom);
            c.Keyspace.LogCommand(c.Args);
        }
    }

    /// <summary>0/1 in RESP2, a boolean in RESP3 (RedisBloom's replies to adds and membership tests).</summary>
    private static void WriteFlag(CommandContext c, bool value)
    {
        if (c.Output.IsResp3)
            c.Output.WriteBoolean(value);
        else
            c.Output.WriteInteger(value ? 1 : 0);
    }

    private static int IndexOf(CommandContext c, ReadOnlySpan<byte> word)
    {
        for (int i = 4; i < c.Count; i++)
            if (c.ArgIs(i, word))
                return i;
        return -1;
    }

    /// <summary>BF.EXISTS, BF.MEXISTS: a missing key, or one of another type (as in RedisBloom), holds nothing.</summary>
    private static void Exists(CommandContext c, bool multi)
    {
        using var read = c.Keyspace.Read();
        c.Keyspace.ReadObject(c.Arg(1), out var stored);
        var bloom = stored as BloomValue;
        if (multi)
            c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
            WriteFlag(c, bloom is not null && bloom.Contains(c.Arg(i)));
    }

    /// <summary>BF.INFO key [CAPACITY|SIZE|FILTERS|ITEMS|EXPANSION]: all five as pairs (a map in RESP3), or the one asked for.</summary>
    private static void Info(CommandContext c)
    {
        if (c.Count > 3)
        {
            c.WrongArity();
            return;
        }
        using var read = c.Keyspace.Read();
        if (!c.TryRead(1, out BloomValue? bloom))
            return;
        if (bloom is null)
        {
            c.Output.WriteError(NotFound);
            return;
        }
        (string Name, string Label, long? Value)[] fields =
        [
            ("CAPACITY", "Capacity", bloom.Capacity),
            ("SIZE", "Size", bloom.SizeInBytes),
            ("FILTERS", "Number of filters", bloom.Filters),
            ("ITEMS", "Number of items inserted", bloom.Items),
            ("EXPANSION", "Expansion rate", bloom.NonScaling ? null : bloom.Expansion),
        ];
        if (c.Count == 3)
        {
            var field = Array.Find(fields, f => System.Text.Ascii.EqualsIgnoreCase(c.Arg(2), f.Name));
            if (field.Name is null)
            {
                c.Output.WriteError("Invalid information value");
                return;
            }
            if (c.Output.IsResp3)
            {
                c.Output.WriteMapHeader(1);
                c.Output.WriteSimpleString(field.Label);
            }
            else
            {
                c.Output.WriteArrayHeader(1);
            }
            WriteValue(c, field.Value);
            return;
        }
        c.Output.WriteMapHeader(fields.Length);
        foreach (var (_, label, value) in fields)
        {
            c.Output.WriteSimpleString(label);
            WriteValue(c, value);
        }
    }

    private static void WriteValue(CommandContext c, long? value)
    {
        if (value is null) c.Output.WriteNull();
        else c.Output.WriteInteger(value.Value);
    }

    private static void Card(CommandContext c)
    {
        using var read = c.Keyspace.Read();
        if (c.TryRead(1, out BloomValue? bloom))
            c.Output.WriteInteger(bloom?.Items ?? 0);
    }

    private static bool TryErrorRate(CommandContext c, int index, BloomParameters parameters)
    {
        if (!RedisNumber.TryParseDouble(c.Arg(index), out parameters.ErrorRate))
            return Fail(c, "ERR bad error rate");
        return parameters.ErrorRate is > 0 and < 1 || Fail(c, "ERR (0 < error rate range < 1) ");
    }

    private static bool TryCapacity(CommandContext c, int index, BloomParameters parameters)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(index), out parameters.Capacity))
            return Fail(c, "ERR bad capacity");
        return parameters.Capacity > 0 || Fail(c, "ERR (capacity should be larger than 0)");
    }

    private static bool TryExpansion(CommandContext c, int index, BloomParameters parameters)
    {
        if (!RedisNumber.TryParseInt64(c.Arg(index), out long expansion) || expansion > int.MaxValue)
            return Fail(c, "ERR bad expansion");
        parameters.Expansion = (int)expansion;
        return expansion >= 1 || Fail(c, "ERR expansion should be greater or equal to 1");
    }

    /// <summary>A first layer too large to allocate is refused (our guard; RedisBloom would fail to allocate).</summary>
    private static bool FitsInMemory(CommandContext c, BloomParameters parameters)
    {
        double bitsPerItem = -Math.Log(parameters.ErrorRate) / (Math.Log(2) * Math.Log(2));
        return parameters.Capacity * bitsPerItem <= MaxLayerBits || Fail(c, "ERR capacity too large for the error rate");
    }

    private static bool Fail(CommandContext c, string error)
    {
        c.Output.WriteError(error);
        return false;
    }
}
