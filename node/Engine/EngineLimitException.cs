namespace Istore.Node.Engine;

/// <summary>A request the engine cannot hold (e.g. a value larger than a log page); its message is the client's error reply.</summary>
public sealed class EngineLimitException(string redisError) : Exception(redisError);
