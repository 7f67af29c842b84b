using Istore.Node.Objects;

namespace Istore.Node.Commands;

/// <summary>RedisBloom's BF.* commands on <see cref="BloomObject"/>, with its replies and error strings.</summary>
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
        public double ErrorRate = BloomObject.DefaultErrorRate;
        public long Capacity = BloomObject.DefaultCapacity;
        public int Expansion = BloomObject.DefaultExpansion;
        public bool ExpansionGiven;
        public bool NonScaling;
        public bool NoCreate;

        public BloomObject Create() => new(ErrorRate, Capacity, Expansion, NonScaling);
    }

    /// <summary>BF.RESERVE key error_rate capacity [EXPANSION e] [NONSCALING] → OK; "item exists" when the key is taken.</summary>
    private static void Reserve(CommandContext c)
    {
        var parameters = new BloomParameters();
        if (!TryErrorRate(c, 2, parameters) || !TryCapacity(c, 3, parameters))
            return;
        for (int i = 4; i < c.Count; i++)
        {
            if (c.ArgIs(i, "NONSCALING"u8))
                parameters.NonScaling = true;
            else if (c.ArgIs(i, "EXPANSION"u8) && i + 1 < c.Count)
            {
                if (!TryExpansion(c, ++i, parameters))
                    return;
            }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!CheckCombination(c, parameters))
            return;
        using var write = c.Keyspace.Lock();
        var type = c.Keyspace.ReadObject(c.Arg(1), out _);
        if (type != Engine.KeyType.None)
        {
            c.Output.WriteError("ERR item exists");
            return;
        }
        c.Keyspace.StoreObject(c.Arg(1), parameters.Create());
        c.Keyspace.LogCommand(c.Args);
        c.Output.WriteOk();
    }

    /// <summary>BF.INSERT key [CAPACITY c] [ERROR e] [EXPANSION e] [NOCREATE] [NONSCALING] ITEMS item [item …].</summary>
    private static void Insert(CommandContext c)
    {
        var parameters = new BloomParameters();
        int i = 2;
        for (; i < c.Count && !c.ArgIs(i, "ITEMS"u8); i++)
        {
            bool hasValue = i + 1 < c.Count;
            if (c.ArgIs(i, "NOCREATE"u8)) parameters.NoCreate = true;
            else if (c.ArgIs(i, "NONSCALING"u8)) parameters.NonScaling = true;
            else if (c.ArgIs(i, "CAPACITY"u8) && hasValue) { if (!TryCapacity(c, ++i, parameters)) return; }
            else if (c.ArgIs(i, "ERROR"u8) && hasValue) { if (!TryErrorRate(c, ++i, parameters)) return; }
            else if (c.ArgIs(i, "EXPANSION"u8) && hasValue) { if (!TryExpansion(c, ++i, parameters)) return; }
            else
            {
                c.Output.WriteError(Errors.Syntax);
                return;
            }
        }
        if (i + 1 >= c.Count)
        {
            c.WrongArity();
            return;
        }
        if (CheckCombination(c, parameters))
            AddItems(c, parameters, firstItem: i + 1, multi: true);
    }

    /// <summary>BF.ADD (0/1), BF.MADD and BF.INSERT (one per item; a full non-scaling filter answers an error in the item's place).</summary>
    private static void AddItems(CommandContext c, BloomParameters parameters, int firstItem, bool multi)
    {
        using var write = c.Keyspace.Lock();
        if (!c.TryRead(1, out BloomObject? bloom))
            return;
        bool changed = false;
        if (bloom is null)
        {
            if (parameters.NoCreate)
            {
                c.Output.WriteError(NotFound);
                return;
            }
            bloom = parameters.Create();
            c.Keyspace.StoreObject(c.Arg(1), bloom);
            changed = true;
        }
        if (multi)
            c.Output.WriteArrayHeader(c.Count - firstItem);
        for (int i = firstItem; i < c.Count; i++)
        {
            bool? added = bloom.Add(c.Arg(i));
            if (added is null)
                c.Output.WriteError("ERR non scaling filter is full");
            else
                c.Output.WriteInteger(added.Value ? 1 : 0);
            changed |= added == true;
        }
        if (changed)
            c.Keyspace.LogCommand(c.Args);
    }

    private static void Exists(CommandContext c, bool multi)
    {
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out BloomObject? bloom))
            return;
        if (multi)
            c.Output.WriteArrayHeader(c.Count - 2);
        for (int i = 2; i < c.Count; i++)
            c.Output.WriteInteger(bloom is not null && bloom.Contains(c.Arg(i)) ? 1 : 0);
    }

    /// <summary>BF.INFO key [CAPACITY|SIZE|FILTERS|ITEMS|EXPANSION]: all five as pairs (a map in RESP3), or the one asked for.</summary>
    private static void Info(CommandContext c)
    {
        if (c.Count > 3)
        {
            c.WrongArity();
            return;
        }
        using var read = c.Keyspace.Lock();
        if (!c.TryRead(1, out BloomObject? bloom))
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
                c.Output.WriteError("ERR Invalid information value");
                return;
            }
            c.Output.WriteArrayHeader(1);
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
        using var read = c.Keyspace.Lock();
        if (c.TryRead(1, out BloomObject? bloom))
            c.Output.WriteInteger(bloom?.Items ?? 0);
    }

    private static bool TryErrorRate(CommandContext c, int index, BloomParameters parameters)
    {
        if (!RedisNumber.TryParseDouble(c.Arg(index), out parameters.ErrorRate))
            return Fail(c, "ERR bad error rate");
        return parameters.ErrorRate is > 0 and < 1 || Fail(c, "ERR (0 < error rate range < 1)");
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
        parameters.ExpansionGiven = true;
        return expansion >= 1 || Fail(c, "ERR expansion should be greater or equal to 1");
    }

    /// <summary>Options that cannot go together, and a first layer too large to allocate.</summary>
    private static bool CheckCombination(CommandContext c, BloomParameters parameters)
    {
        if (parameters.NonScaling && parameters.ExpansionGiven)
            return Fail(c, "ERR Nonscaling filters cannot expand");
        double bitsPerItem = -Math.Log(parameters.ErrorRate) / (Math.Log(2) * Math.Log(2));
        return parameters.Capacity * bitsPerItem <= MaxLayerBits || Fail(c, "ERR capacity too large for the error rate");
    }

    private static bool Fail(CommandContext c, string error)
    {
        c.Output.WriteError(error);
        return false;
    }
}
