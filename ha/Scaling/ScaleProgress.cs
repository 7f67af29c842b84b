namespace Istore.Ha.Scaling;

/// <summary>
/// GET /api/v1/tenants/{name}/scale: where a tenant's scaling stands. From/To: the step running
/// (equal when none); Target: the shard count asked for; KeysLeft is an estimate (the sources'
/// keys times the share that moves, minus what moved); KeysMoved counts HA's pass only (proxies
/// move keys on demand too); KeysPerSec: of the step's pass (so far); CutOverMs: how long the last cut-over paused writes (-1: none yet).
/// </summary>
public sealed record ScaleProgress(
    string Tenant, string State, int From, int To, int Target, long KeysScanned, long KeysMoved, long KeysLeft,
    double KeysPerSec, long CutOverMs, long StartedAtMs, string? Error);
