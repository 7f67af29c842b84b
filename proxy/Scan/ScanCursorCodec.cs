namespace Istore.Proxy.Scan;

/// <summary>
/// The proxy's SCAN cursor: which shard to continue and that shard's own cursor, in one unsigned
/// 64-bit number (redis-cli and go-redis parse cursors as such, so a longer one is not an option).
/// When it fits, the cursor is <c>backendCursor × shards + shard</c> with the top bit clear:
/// stateless, so it stays valid on any proxy of the tenant and after a restart. A backend cursor
/// too large for that (the memory engine's collection phase is <c>1 &lt;&lt; 62 | n</c>) is kept in
/// <see cref="ScanCursorTable"/> and the client holds a ticket with the top bit set instead.
/// </summary>
internal static class ScanCursorCodec
{
    private const ulong TicketBit = 1UL << 63;

    public static ulong Encode(ScanCursorTable table, string tenant, int shard, int shards, ulong backendCursor)
    {
        if (backendCursor == 0)
            return shard + 1 < shards ? (ulong)(shard + 1) : 0;
        if (backendCursor <= (TicketBit - 1 - (ulong)shard) / (ulong)shards)
            return backendCursor * (ulong)shards + (ulong)shard;
        return TicketBit | table.Issue(new ScanPosition(tenant, shard, shards, backendCursor));
    }

    /// <summary>The shard and backend cursor a client's cursor stands for, or an error to answer with.</summary>
    public static string? TryDecode(ScanCursorTable table, string tenant, int shards, ulong cursor, out int shard, out ulong backendCursor)
    {
        if ((cursor & TicketBit) == 0)
        {
            shard = (int)(cursor % (ulong)shards);
            backendCursor = cursor / (ulong)shards;
            return null;
        }
        (shard, backendCursor) = (0, 0);
        if (table.Find(cursor & ~TicketBit) is not { } position || position.Tenant != tenant)
            return "ERR SCAN cursor unknown to this proxy (issued by another proxy, before a restart, or too long ago): start again from 0";
        if (position.Shards != shards)
            return "ERR the tenant's shard count changed during this SCAN: start again from 0";
        (shard, backendCursor) = (position.Shard, position.BackendCursor);
        return null;
    }
}
