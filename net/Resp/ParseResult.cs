namespace Istore.Net.Resp;

public enum ParseResult
{
    /// <summary>A whole command was parsed; its bytes may be consumed.</summary>
    Complete,

    /// <summary>The frame is not complete yet: nothing consumed, wait for more bytes.</summary>
    Incomplete,

    /// <summary>The stream is broken: reply with the error and close the connection.</summary>
    ProtocolError,
}
