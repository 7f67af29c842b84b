using Istore.Net.Commands;
using Istore.Node.Engine;

namespace Istore.Node.Keyspace;

/// <summary>Reading a write command's spilled keys back before it takes the lock (the memory engine past --maxmemory).</summary>
public sealed partial class KeyspaceSession
{
    /// <summary>Before a write command takes the lock: its keys' spilled records are read back now (<see cref="IEngineSession.StartFetch"/>).</summary>
    public void FetchKeys(CommandSpec spec, Istore.Net.Resp.CommandArgs args)
    {
        if (!_engine.HasSpilled)
            return;
        StartFetchKeys(spec, args);
        _engine.FinishFetches();
    }

    /// <summary>Whether some records live only on disk for now (writes then fetch their keys first).</summary>
    public bool HasSpilled => _engine.HasSpilled;

    /// <summary>Starts reading back a write command's spilled keys; <see cref="FinishFetches"/> waits for all started.</summary>
    public void StartFetchKeys(CommandSpec spec, Istore.Net.Resp.CommandArgs args)
    {
        _fetchIndexes.Clear();
        spec.CollectKeyIndexes(args, _fetchIndexes);
        foreach (int index in _fetchIndexes)
            _engine.StartFetch(args[index]);
    }

    public void FinishFetches() => _engine.FinishFetches();

    private readonly List<int> _fetchIndexes = [];
}
