using Istore.Net.Server;

namespace Istore.Node.Tracking;

/// <summary>One client's CLIENT TRACKING settings. Its own loop changes them; writers on other loops only read them.</summary>
public sealed class TrackingState(Connection connection)
{
    public Connection Connection { get; } = connection;

    /// <summary>False once tracking is switched off: entries the table still holds for it are skipped, as in Redis.</summary>
    public volatile bool On = true;

    public bool Broadcast { get; set; }

    public bool OptIn { get; set; }

    public bool OptOut { get; set; }

    public bool NoLoop { get; set; }

    /// <summary>The client that receives the invalidations instead (0 = this one).</summary>
    public long RedirectId { get; set; }

    public List<byte[]> Prefixes { get; } = [];

    /// <summary>CLIENT CACHING yes|no was given for the next command (OPTIN / OPTOUT).</summary>
    public bool CachingGiven { get; set; }

    /// <summary>Set when the redirect target was gone at an invalidation (CLIENT TRACKINGINFO's broken_redirect).</summary>
    public volatile bool BrokenRedirect;
}
