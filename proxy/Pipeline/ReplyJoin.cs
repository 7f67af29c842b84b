using System.Text;
using Istore.Net.Resp;
using Istore.Proxy.Scan;

namespace Istore.Proxy.Pipeline;

/// <summary>How the fragments of one client command become its single reply.</summary>
internal enum JoinKind
{
    /// <summary>MGET: each key's value, in the client's key order.</summary>
    ValuesInKeyOrder,
    /// <summary>DEL, UNLINK, EXISTS, TOUCH, DBSIZE, PUBSUB NUMPAT: the sum of the integers.</summary>
    Sum,
    /// <summary>MSET, FLUSHDB, FLUSHALL: OK once every fragment said OK.</summary>
    AllOk,
    /// <summary>KEYS: every fragment's array, one after the other.</summary>
    Concat,
    /// <summary>SCAN: one shard's reply with its cursor rewritten to carry the shard.</summary>
    ScanCursor,
    /// <summary>SCRIPT LOAD, PUBSUB HELP: every shard answers the same; the first reply stands for all.</summary>
    First,
    /// <summary>PUBSUB CHANNELS, SHARDCHANNELS: every name any fragment listed, once.</summary>
    Union,
    /// <summary>PUBSUB NUMSUB, SHARDNUMSUB: name, count pairs in the client's order, each count summed over the fragments.</summary>
    CountsSummed,
    /// <summary>SCRIPT EXISTS: per position, 1 only when every shard answered 1.</summary>
    EachOnAll,
    /// <summary>SSUBSCRIBE: the backend's confirmations only acknowledge; the client gets the reply the proxy prepared.</summary>
    Prepared,
}

/// <summary>
/// Collects the replies of a command split across shards (twemproxy's fragments, Codis's
/// coalesce) and writes the one reply the client expects. The first error wins.
/// </summary>
internal sealed class ReplyJoin
{
    private readonly JoinKind _kind;
    private readonly RespValue?[] _parts;
    private byte[]? _firstFrame;
    private int _remaining;

    public ReplyJoin(JoinKind kind, int fragments)
    {
        _kind = kind;
        _parts = new RespValue?[fragments];
        _remaining = fragments;
    }

    /// <summary>For <see cref="JoinKind.ValuesInKeyOrder"/>: key i's fragment and position within it.</summary>
    public (int Fragment, int Position)[]? KeyPlaces { get; init; }

    /// <summary>For <see cref="JoinKind.ScanCursor"/>: the tenant, the shard scanned and how many there are.</summary>
    public (string Tenant, int Shard, int Shards, ScanCursorTable Tickets) Scan { get; init; }

    /// <summary>For <see cref="JoinKind.Prepared"/>: the reply once every fragment succeeded.</summary>
    public byte[]? PreparedReply { get; init; }

    /// <summary>Called when a fragment failed, before its error is written (the proxy undoes what it assumed).</summary>
    public Action? Failed { get; init; }

    /// <summary>Stores a fragment's reply; true when it was the last one.</summary>
    public bool Add(int fragment, ReadOnlySpan<byte> reply)
    {
        _parts[fragment] = RespValue.Parse(reply);
        if (_kind == JoinKind.First && fragment == 0)
            _firstFrame = reply.ToArray();   // passed on whole: PUBSUB HELP's lines are simple strings
        return --_remaining == 0;
    }

    public void Write(RespWriter output)
    {
        foreach (var part in _parts)
            if (part!.IsError)
            {
                Failed?.Invoke();
                output.WriteError(part.AsString() ?? "ERR");
                return;
            }
        switch (_kind)
        {
            case JoinKind.ValuesInKeyOrder:
                output.WriteArrayHeader(KeyPlaces!.Length);
                foreach (var (fragment, position) in KeyPlaces)
                    WriteValue(output, _parts[fragment]![position]);
                break;
            case JoinKind.Sum:
                output.WriteInteger(_parts.Sum(p => p!.AsInteger()));
                break;
            case JoinKind.AllOk:
                output.WriteOk();
                break;
            case JoinKind.Concat:
                output.WriteArrayHeader(_parts.Sum(p => p!.Count));
                foreach (var part in _parts)
                    foreach (var item in part!.Items)
                        WriteValue(output, item);
                break;
            case JoinKind.ScanCursor:
                WriteScan(output, _parts[0]!);
                break;
            case JoinKind.First:
                output.WriteRaw(_firstFrame);
                break;
            case JoinKind.EachOnAll:
                output.WriteArrayHeader(_parts[0]!.Count);
                for (int i = 0; i < _parts[0]!.Count; i++)
                    output.WriteInteger(_parts.Min(p => p!.Count > i ? p[i].AsInteger() : 0));
                break;
            case JoinKind.Prepared:
                output.WriteRaw(PreparedReply);
                break;
            case JoinKind.Union:
                WriteUnion(output);
                break;
            case JoinKind.CountsSummed:
                output.WriteArrayHeader(_parts[0]!.Count);
                for (int i = 0; i + 1 < _parts[0]!.Count; i += 2)
                {
                    WriteValue(output, _parts[0]![i]);
                    output.WriteInteger(_parts.Sum(p => p!.Count > i + 1 ? p[i + 1].AsInteger() : 0));
                }
                break;
        }
    }

    private void WriteUnion(RespWriter output)
    {
        // Latin-1 maps each byte to one char, so names compare as their bytes.
        var names = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in _parts)
            foreach (var item in part!.Items)
                if (item.AsBytes() is { } name && seen.Add(Encoding.Latin1.GetString(name)))
                    names.Add(name);
        output.WriteArrayHeader(names.Count);
        foreach (var name in names)
            output.WriteBulkString(name);
    }

    /// <summary>The shard's reply with its cursor replaced by the client's (<see cref="ScanCursorCodec"/>).</summary>
    private void WriteScan(RespWriter output, RespValue reply)
    {
        var (tenant, shard, shards, tickets) = Scan;
        if (reply.Count != 2 || !ulong.TryParse(reply[0].AsString(), out ulong backendCursor))
        {
            output.WriteError("ERR unexpected SCAN reply from the backend");
            return;
        }
        ulong next = ScanCursorCodec.Encode(tickets, tenant, shard, shards, backendCursor);
        output.WriteArrayHeader(2);
        output.WriteBulkString(Encoding.ASCII.GetBytes(next.ToString()));
        output.WriteArrayHeader(reply[1].Count);
        foreach (var item in reply[1].Items)
            WriteValue(output, item);
    }

    private static void WriteValue(RespWriter output, RespValue value)
    {
        if (value.IsNull)
            output.WriteNull();
        else if (value.Type == RespType.Integer)
            output.WriteInteger(value.AsInteger());
        else
            output.WriteBulkString(value.AsBytes() ?? []);
    }
}
