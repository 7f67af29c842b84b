namespace Istore.Node.Acl;

/// <summary>Why a command or login was refused, as ACL LOG names it.</summary>
internal enum AclDenial
{
    Command,
    Key,
    Channel,
    Auth,
}

/// <summary>
/// ACL LOG: the latest refusals, newest first. A refusal like one of the last ten (same reason,
/// context, object and user, within a minute) counts into that entry instead, as in Redis.
/// </summary>
internal sealed class AclLog
{
    private const long GroupingMs = 60_000;
    private const int ScannedForDuplicates = 10;

    private readonly LinkedList<Entry> _entries = new();

    public long MaxLength { get; set; } = 128;

    public sealed class Entry(AclDenial reason, string context, string obj, string user)
    {
        public AclDenial Reason { get; } = reason;
        public string Context { get; } = context;
        public string Object { get; } = obj;
        public string User { get; } = user;
        public long Count { get; set; } = 1;
        public long CreatedMs { get; set; }
        public string ClientInfo { get; set; } = "";
    }

    public void Add(AclDenial reason, string context, string obj, string user, string clientInfo)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_entries)
        {
            var node = _entries.First;
            for (int scanned = 0; node is not null && scanned < ScannedForDuplicates; scanned++, node = node.Next)
            {
                var e = node.Value;
                if (e.Reason == reason && e.Context == context && e.Object == obj && e.User == user && Math.Abs(now - e.CreatedMs) <= GroupingMs)
                {
                    e.Count++;
                    e.CreatedMs = now;
                    e.ClientInfo = clientInfo;
                    _entries.Remove(node);
                    _entries.AddFirst(node);
                    return;
                }
            }
            _entries.AddFirst(new Entry(reason, context, obj, user) { CreatedMs = now, ClientInfo = clientInfo });
            while (_entries.Count > MaxLength)
                _entries.RemoveLast();
        }
    }

    public List<Entry> Newest(long count)
    {
        lock (_entries)
            return [.. _entries.Take((int)Math.Clamp(count, 0, int.MaxValue))];
    }

    public void Reset()
    {
        lock (_entries)
            _entries.Clear();
    }
}
