namespace Istore.Proxy.Takeover;

/// <summary>
/// The takeover exchange, in order: the successor says <see cref="Hello"/>; the running proxy
/// stops accepting and sends its <see cref="Listeners"/>; once it reads no client any more, its SCAN
/// tickets and its tenants' QPS buckets (<see cref="ScanTickets"/>, which also tells the successor
/// that its acknowledgement of the listeners arrived in time); then client connections in batches of <see cref="Clients"/>, each
/// with the SCAN tickets issued meanwhile, acknowledged, then <see cref="Commit"/>ted before either
/// process serves them; then its tenants' <see cref="Counters"/> and <see cref="Done"/>. An
/// acknowledgement later than the running proxy waits for gets <see cref="Abort"/> instead: the
/// running proxy keeps (or takes back) what it was handing over, and the successor stands down.
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
    Commit = 8,
    Abort = 9,
}
