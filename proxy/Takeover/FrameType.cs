namespace Istore.Proxy.Takeover;

/// <summary>
/// The takeover exchange, in order: the successor says <see cref="Hello"/>; the running proxy
/// stops accepting and sends its <see cref="Listeners"/> and its SCAN tickets
/// (<see cref="ScanTickets"/>); then client connections in batches of <see cref="Clients"/>, each
/// with the SCAN tickets issued meanwhile and acknowledged before the running proxy closes its
/// copies; then its tenants' <see cref="Counters"/> and <see cref="Done"/>.
/// </summary>
internal enum FrameType : byte
{
    Hello = 1,
    Listeners = 2,
    Clients = 3,
    Counters = 4,
    Done = 5,
    Ack = 6,
    ScanTickets = 7,
}
