namespace GoTraceEngine.Reporting;

/// <summary>A line that means the trace is incomplete or a probe misbehaved.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TraceWarning
{
    /// <summary><c>dataLoss</c>, <c>probeError</c>, <c>tracerFatal</c>, or <c>limit</c> (a memory bound was reached).</summary>
    public required WarningKind Kind { get; init; }

    /// <summary>Its line number (0 for limits reached over the whole run).</summary>
    public required long Line { get; init; }

    /// <summary>The line as the tracer printed it.</summary>
    public required string Message { get; init; }
}
