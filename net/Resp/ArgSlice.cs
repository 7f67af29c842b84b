namespace Istore.Net.Resp;

/// <summary>One command argument: a slice of the connection's receive buffer, never a copy.</summary>
public readonly record struct ArgSlice(int Offset, int Length);
