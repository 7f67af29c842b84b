namespace Istore.Node.Engine;

/// <summary>A request the engine cannot carry out (a value larger than a log page, a disk that refuses writes); its message is the client's error reply.</summary>
public sealed class EngineLimitException(string redisError) : Exception(redisError);
