using Istore.Net.Resp;
using Microsoft.Extensions.Logging;

namespace Istore.Node.Persistence;

/// <summary>
/// Reads the append-only log back at start-up and hands each record to the keyspace. Records
/// between MULTI and EXEC apply together or not at all. A torn tail of the last segment (a crash
/// in the middle of a write: an incomplete record, or zeros the file system had allocated) is cut
/// off with a warning; a bad record anywhere else stops start-up, as Redis refuses a corrupt AOF,
/// since replaying later records on top of a skipped one would build a state that never existed.
/// </summary>
internal static class LogReplayer
{
    private static readonly RespLimits ReplayLimits = RespLimits.Default with { MaxQueryBuffer = long.MaxValue };

    /// <summary>Replays segments numbered <paramref name="fromSegment"/> and later; returns the records applied and the stream bytes they came from.</summary>
    public static (long Records, long Bytes) Replay(string directory, long fromSegment, Action<CommandArgs> apply, ILogger logger)
    {
        long applied = 0, bytes = 0;
        var segments = AppendOnlyLog.Segments(directory).Where(s => s.Number >= fromSegment).ToList();
        for (int i = 0; i < segments.Count; i++)
        {
            var (records, good) = ReplaySegment(segments[i].Path, apply, logger, last: i == segments.Count - 1);
            applied += records;
            bytes += good;
        }
        return (applied, bytes);
    }

    private static (long Records, long Bytes) ReplaySegment(string path, Action<CommandArgs> apply, ILogger logger, bool last)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
        var args = new CommandArgs();
        var group = new List<byte[][]>();
        bool inGroup = false;
        long applied = 0, fileOffset = 0, lastGood = 0;
        byte[] buffer = new byte[1024 * 1024];
        int start = 0, end = 0;
        string? problem = null;
        while (problem is null)
        {
            if (start == end || !ParseNext(buffer, start, end, args, out int consumed, out problem))
            {
                if (problem is not null)
                    break;
                // Need more bytes: keep the unparsed tail, grow if a record is larger than the buffer.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                if (end == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                int read = file.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    if (end > 0 || inGroup)
                        problem = IncompleteAtEnd;
                    break;
                }
                end += read;
                continue;
            }
            start += consumed;
            fileOffset += consumed;
            if (args.Count == 0)
                continue;
            if (Is(args, "MULTI"u8))
            {
                inGroup = true;
                group.Clear();
            }
            else if (Is(args, "EXEC"u8))
            {
                foreach (var record in group)
                {
                    args.SetFrom(record);
                    problem = TryApply(apply, args);
                    if (problem is not null)
                        break;
                }
                if (problem is not null)
                    break;
                applied += group.Count;
                inGroup = false;
                lastGood = fileOffset;
            }
            else if (inGroup)
            {
                group.Add(Enumerable.Range(0, args.Count).Select(args.ToArray).ToArray());
            }
            else
            {
                problem = TryApply(apply, args);
                if (problem is not null)
                    break;
                applied++;
                lastGood = fileOffset;
            }
        }
        if (problem is not null)
        {
            if (!last || !IsTornTail(file, lastGood, problem))
                throw new InvalidDataException($"append-only log {path}: {problem} at byte {fileOffset} (after {lastGood} good bytes); "
                    + "the log is damaged before its end: restore it or remove the bad segment by hand");
            logger.LogWarning("Append-only log {Path}: {Problem} at byte {Offset}; truncating to {Good} bytes (the tail of an interrupted write)",
                path, problem, fileOffset, lastGood);
            file.SetLength(lastGood);
        }
        return (applied, lastGood);
    }

    /// <summary>
    /// Whether the damage at <paramref name="badOffset"/> is the log's tail: nothing after it parses
    /// as a log record (a crash leaves an incomplete record, zeros, or a fragment). A whole record
    /// further on means the damage is in the middle.
    /// </summary>
    private static bool IsTornTail(FileStream file, long badOffset, string problem)
    {
        if (problem == IncompleteAtEnd || file.Length - badOffset < 2)
            return true;
        file.Position = badOffset;
        var rest = new byte[file.Length - badOffset];
        file.ReadExactly(rest);
        var args = new CommandArgs();
        for (int at = rest.AsSpan(1).IndexOf((byte)'*') + 1; at > 0; at = NextStar(rest, at))
        {
            if (RespRequestParser.TryParse(rest, at, rest.Length, args, ReplayLimits, out _, out _) == ParseResult.Complete
                && args.Count > 0 && Istore.Net.Commands.CommandTable.Find(args[0]) is { } spec
                && ((spec.Flags & Istore.Net.Commands.CommandFlags.Write) != 0 || spec.Name is "MULTI" or "EXEC"))
                return false;
        }
        return true;
    }

    private static int NextStar(byte[] bytes, int after)
    {
        int next = bytes.AsSpan(after + 1).IndexOf((byte)'*');
        return next < 0 ? -1 : after + 1 + next;
    }

    private const string IncompleteAtEnd = "incomplete record at the end";

    private static string? TryApply(Action<CommandArgs> apply, CommandArgs record)
    {
        try
        {
            apply(record);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
    }

    private static bool ParseNext(byte[] buffer, int start, int end, CommandArgs args, out int consumed, out string? problem)
    {
        problem = null;
        consumed = 0;
        if (buffer[start] != (byte)'*')
        {
            problem = "corrupt record (not a RESP array)";
            return false;
        }
        var result = RespRequestParser.TryParse(buffer, start, end, args, ReplayLimits, out consumed, out string? error);
        if (result == ParseResult.ProtocolError)
            problem = "corrupt record (" + error + ")";
        return result == ParseResult.Complete;
    }

    private static bool Is(CommandArgs args, ReadOnlySpan<byte> name) => args[0].SequenceEqual(name);
}
