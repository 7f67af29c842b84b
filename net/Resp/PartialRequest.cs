namespace Istore.Net.Resp;

/// <summary>
/// Where <see cref="RespRequestParser"/> stopped in a command that has not fully arrived, so the
/// next receive resumes there instead of reparsing every argument header from the frame's start
/// (which made a command of n arguments arriving in n/k pieces cost O(n²/k)). Offsets are relative
/// to the frame's start, so the receive buffer may be compacted or grown in between.
/// One per connection; the bytes themselves stay in the receive buffer.
/// </summary>
public sealed class PartialRequest
{
    /// <summary>Below this many parsed arguments, reparsing is cheaper than keeping them.</summary>
    internal const int KeepFrom = 64;

    private ArgSlice[] _slices = [];

    /// <summary>Argument count from the frame's header; 0 while no frame is being resumed.</summary>
    internal long Count { get; private set; }

    /// <summary>How many arguments are parsed.</summary>
    internal int Parsed { get; private set; }

    /// <summary>Where the next argument's header starts, relative to the frame.</summary>
    internal int Resume { get; set; }

    internal bool Active => Count > 0;

    /// <summary>Redis's PROTO_MBULK_BIG_ARG: an argument this long gets a receive buffer of its exact size.</summary>
    public const int BigArgument = 32 * 1024;

    /// <summary>
    /// Where the data of a big argument still arriving starts, relative to the frame, and where the
    /// argument (with its CRLF) ends; 0 while no frame waits for one.
    /// </summary>
    public int AwaitedBigArgumentOffset { get; private set; }

    public int AwaitedBigArgumentEnd { get; private set; }

    /// <summary>Notes the argument a frame stopped in (data at <paramref name="dataOffset"/>, absolute), if it is big.</summary>
    internal void Await(int frameStart, int dataOffset, int length)
    {
        if (length < BigArgument)
            return;
        AwaitedBigArgumentOffset = dataOffset - frameStart;
        AwaitedBigArgumentEnd = AwaitedBigArgumentOffset + length + 2;
    }

    internal void ClearAwaited() => AwaitedBigArgumentOffset = AwaitedBigArgumentEnd = 0;

    /// <summary>Keeps the arguments parsed so far from <paramref name="args"/> (absolute offsets from <paramref name="frameStart"/>).</summary>
    internal void Keep(long count, CommandArgs args, int frameStart, int resume)
    {
        Count = count;
        Parsed = 0;
        Resume = resume;
        for (int i = 0; i < args.Count; i++)
        {
            var s = args.Slice(i);
            Add(s.Offset - frameStart, s.Length);
        }
    }

    internal void Add(int relativeOffset, int length)
    {
        if (Parsed == _slices.Length)
            Array.Resize(ref _slices, Math.Max(2 * KeepFrom, _slices.Length * 2));
        _slices[Parsed++] = new ArgSlice(relativeOffset, length);
    }

    /// <summary>Hands the whole command to <paramref name="args"/> and forgets it.</summary>
    internal void Complete(CommandArgs args, byte[] buffer, int frameStart)
    {
        args.Reset(buffer, Parsed);
        for (int i = 0; i < Parsed; i++)
            args.Add(frameStart + _slices[i].Offset, _slices[i].Length);
        Clear();
    }

    /// <summary>Forgets the frame (it completed, failed, or the connection's input was dropped).</summary>
    public void Clear()
    {
        Count = 0;
        Parsed = 0;
        Resume = 0;
        if (_slices.Length > 64 * 1024)
            _slices = [];   // a huge command should not pin its table forever
    }
}
