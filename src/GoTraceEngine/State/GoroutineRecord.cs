namespace GoTraceEngine.State;

/// <summary>A live goroutine: one that the trace saw created (or, created before it, park with its name) and not yet destroyed.</summary>
/// <remarks>A copy of the table's entry; members are <c>init</c>, so the type can grow without breaking binary compatibility.</remarks>
public readonly record struct GoroutineRecord
{
    /// <summary>The address of its <c>g</c> struct.</summary>
    public ulong GPointer { get; init; }

    /// <summary>The creator's g pointer as the tracer printed it (<c>parent=</c>), or 0.</summary>
    public ulong Parent { get; init; }

    /// <summary>The 1-based line of its create event; 0 for a goroutine created before the trace and followed from its first park (it named itself there).</summary>
    public long CreateLineNumber { get; init; }

    /// <summary>The <c>ts=</c> of the last event applied to it (create, park, ready), in nanoseconds, or 0.</summary>
    public long LastTimestamp { get; init; }

    /// <summary>Its goroutine id (<c>goid=</c>), or 0.</summary>
    public long GoId { get; init; }

    /// <summary>Its start function's interned id (<c>fn=</c>), or 0; see <see cref="TraceEngine{TSink}.GetFunctionName"/>.</summary>
    public int StartFunction { get; init; }

    /// <summary>The interned id of the function that ran its <c>go</c> statement (<c>creator=</c>), or 0.</summary>
    public int Creator { get; init; }

    internal static GoroutineRecord From(ulong g, in LiveValue value) => new()
    {
        GPointer = g,
        Parent = value.Parent,
        CreateLineNumber = value.CreateLineNumber,
        LastTimestamp = value.LastTimestamp,
        GoId = value.GoId,
        StartFunction = value.StartFunction,
        Creator = value.Creator,
    };
}
