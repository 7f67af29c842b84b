using Istore.Node.Objects.Streams;

namespace Istore.Node.Dump;

/// <summary>Streams in RDB_TYPE_STREAM_LISTPACKS(_2): not encoded yet.</summary>
internal static class StreamDump
{
    public const string Unsupported = "ERR DUMP and RESTORE of streams are not supported yet";

    public static void Write(RdbWriter writer, StreamObject stream) => throw new Engine.EngineLimitException(Unsupported);

    public static StreamObject Read(ref RdbReader reader, byte type) => throw new Engine.EngineLimitException(Unsupported);
}
