namespace GoTraceEngine.State;

/// <summary>A live goroutine: one that the trace saw created and not yet destroyed.</summary>
/// <param name="GPointer">The address of its <c>g</c> struct.</param>
/// <param name="Parent">The creator's g pointer as the tracer printed it (<c>parent=</c>), or 0.</param>
/// <param name="CreateLineNumber">The 1-based line of its create event.</param>
public readonly record struct GoroutineRecord(ulong GPointer, ulong Parent, long CreateLineNumber);
