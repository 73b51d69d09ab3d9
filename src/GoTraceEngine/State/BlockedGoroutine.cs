namespace GoTraceEngine.State;

/// <summary>A live goroutine parked with a blocking reason and not made runnable since.</summary>
/// <param name="GPointer">The address of its <c>g</c> struct.</param>
/// <param name="Reason">The park's reason code, in the numbering of the engine's <see cref="ReasonTable"/>.</param>
/// <param name="ParkLineNumber">The 1-based line of the park that blocked it.</param>
public readonly record struct BlockedGoroutine(ulong GPointer, byte Reason, long ParkLineNumber);
