namespace GoTraceEngine.Reporting;

/// <summary>Time in the trace.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TimingSummary
{
    /// <summary>Whether any event had <c>ts=</c>.</summary>
    public required bool HasTimestamps { get; init; }

    /// <summary>The earliest timestamp.</summary>
    public required long? FirstTs { get; init; }

    /// <summary>The latest timestamp: the end of the trace, against which blocked durations are measured.</summary>
    public required long? LastTs { get; init; }

    /// <summary>LastTs − FirstTs.</summary>
    public required long? DurationNs { get; init; }

    /// <summary>The reorder window.</summary>
    public required long ReorderWindowNs { get; init; }

    /// <summary>Events that arrived after a later-timestamped one and were put back in order.</summary>
    public required long Reordered { get; init; }

    /// <summary>Events that arrived later than the window allows: applied out of order, not dropped.</summary>
    public required long Late { get; init; }

    /// <summary>How far behind the applied events the latest of the late ones was.</summary>
    public required long MaxLatenessNs { get; init; }

    /// <summary>Events applied before their window closed because <see cref="TraceEngineOptions.MaxPendingEvents"/> were held.</summary>
    public required long OverflowReleases { get; init; }

    /// <summary>Events held for reordering when the summary was taken (0 once the input is complete).</summary>
    public required int Pending { get; init; }

    /// <summary>Late events older than their goroutine's current state (a ready before its park, a destroy before its create): not applied.</summary>
    public long Stale { get; init; }

    /// <summary>
    /// When the tracer was told to stop (<c># tracer stopped ts=N</c>, written by <c>gotrace trace</c> when it stops
    /// bpftrace: at <c>--duration</c> or Ctrl-C), or null.
    /// </summary>
    public long? StoppedAtTs { get; init; }

    /// <summary>
    /// Events stamped after <see cref="StoppedAtTs"/>: counted, not applied. A tracer detaching from a running program
    /// removes its probes one by one, so after the stop some kinds of event are still printed while others no longer are.
    /// </summary>
    public long AfterStop { get; init; }

    /// <summary>Timestamps outside the trace's clock (<see cref="TraceEngineOptions.MaxClockJump"/>): their events were applied in arrival order.</summary>
    public long UntrustedTimestamps { get; init; }
}
