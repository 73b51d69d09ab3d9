namespace GoTraceEngine.Reporting;

/// <summary>
/// Live and blocked goroutines over the trace, the leaked goroutines (the verdict's leaks, by when each parked), and
/// where each leak group appears.
/// </summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record Timeline
{
    /// <summary><c>ns</c> when x is the tracer's timestamp, <c>line</c> when the trace has none.</summary>
    public required string Axis { get; init; }

    /// <summary>The blocking reasons, in the order of <see cref="TimelinePoint.BlockedByReason"/>.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Samples in x order (at most the recorder's maximum, evenly thinned).</summary>
    public required IReadOnlyList<TimelinePoint> Points { get; init; }

    /// <summary>One per leak group, in <see cref="TraceSummary.LeakGroups"/> order (biggest first).</summary>
    public required IReadOnlyList<TimelineMarker> Markers { get; init; }
}
