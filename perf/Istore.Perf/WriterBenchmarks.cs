using BenchmarkDotNet.Attributes;
using Istore.Net.Resp;

namespace Istore.Perf;

/// <summary>RespWriter: one reply per call into a reused send buffer (cleared each call).</summary>
[MemoryDiagnoser]
public class WriterBenchmarks
{
    private readonly RespWriter _writer = new();
    private readonly byte[] _value = Canned.Value64;

    [Benchmark]
    public int BulkString64()
    {
        _writer.Clear();
        _writer.WriteBulkString(_value);
        return _writer.Length;
    }

    [Benchmark]
    public int Integer()
    {
        _writer.Clear();
        _writer.WriteInteger(1234567);
        return _writer.Length;
    }

    /// <summary>+OK from a UTF-8 literal (what SET replies).</summary>
    [Benchmark]
    public int SimpleStringOk()
    {
        _writer.Clear();
        _writer.WriteOk();
        return _writer.Length;
    }

    /// <summary>+PONG through the ReadOnlySpan&lt;byte&gt; overload.</summary>
    [Benchmark]
    public int SimpleStringSpan()
    {
        _writer.Clear();
        _writer.WriteSimpleString("PONG"u8);
        return _writer.Length;
    }

    /// <summary>+PONG through the string overload (UTF-16 to UTF-8 on the fly).</summary>
    [Benchmark]
    public int SimpleStringUtf16()
    {
        _writer.Clear();
        _writer.WriteSimpleString("PONG");
        return _writer.Length;
    }
}
