using Istore.Proxy.Pipeline;

namespace Istore.Proxy.Backend;

/// <summary>Where a backend connection hands each reply (or the error that replaces it).</summary>
internal interface IReplySink
{
    void Deliver(RequestSlot slot, int fragment, ReadOnlySpan<byte> reply);
}
