using BenchmarkDotNet.Attributes;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>RespRequestParser.TryParse on canned receive buffers (arguments become slices, so no allocation is expected).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly byte[] _get = Canned.Get();
    private readonly byte[] _set = Canned.Set();
    private readonly byte[] _pipeline = Canned.Pipeline16();
    private readonly CommandArgs _args = new();
    private readonly RespLimits _limits = RespLimits.Default;

    [Benchmark]
    public int ParseGet()
    {
        RespRequestParser.TryParse(_get, 0, _get.Length, _args, _limits, out int consumed, out _);
        return consumed;
    }

    [Benchmark]
    public int ParseSet64()
    {
        RespRequestParser.TryParse(_set, 0, _set.Length, _args, _limits, out int consumed, out _);
        return consumed;
    }

    /// <summary>One call parses the whole batch of 16 commands (time and bytes are per batch, not per command).</summary>
    [Benchmark]
    public int ParsePipeline16()
    {
        int pos = 0, commands = 0;
        var buffer = _pipeline;
        while (pos < buffer.Length
               && RespRequestParser.TryParse(buffer, pos, buffer.Length, _args, _limits, out int consumed, out _) == ParseResult.Complete)
        {
            pos += consumed;
            commands++;
        }
        return commands;
    }
}
