namespace Istore.Proxy.Backend;

/// <summary>Where a subscriber link hands what no request asked for: messages, and its own break.</summary>
internal interface IPushSink
{
    /// <summary>True when <paramref name="frame"/> was a message (taken); false when it answers a request.</summary>
    bool TakeUnsolicited(BackendConnection link, ReadOnlySpan<byte> frame);

    /// <summary>The link broke: the backend dropped its subscriptions with it.</summary>
    void LinkDown(BackendConnection link, string reason);
}
