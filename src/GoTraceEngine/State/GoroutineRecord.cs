namespace GoTraceEngine.State;

/// <summary>A live goroutine: one that the trace saw created and not yet destroyed.</summary>
/// <param name="GPointer">The address of its <c>g</c> struct.</param>
/// <param name="Parent">The creator's g pointer as the tracer printed it (<c>parent=</c>), or 0.</param>
/// <param name="CreateLineNumber">The 1-based line of its create event.</param>
/// <param name="LastTimestamp">The <c>ts=</c> of the last event applied to it (create, park, ready), in nanoseconds, or 0.</param>
/// <param name="GoId">Its goroutine id (<c>goid=</c>), or 0.</param>
/// <param name="StartFunction">Its start function's interned id (<c>fn=</c>), or 0; see <see cref="TraceEngine{TSink}.GetFunctionName"/>.</param>
/// <param name="Creator">The interned id of the function that ran its <c>go</c> statement (<c>creator=</c>), or 0.</param>
public readonly record struct GoroutineRecord(
    ulong GPointer, ulong Parent, long CreateLineNumber, long LastTimestamp = 0, long GoId = 0, int StartFunction = 0, int Creator = 0)
{
    internal static GoroutineRecord From(ulong g, in LiveValue value) =>
        new(g, value.Parent, value.CreateLineNumber, value.LastTimestamp, value.GoId, value.StartFunction, value.Creator);
}
