namespace GoTraceEngine.Reporting;

/// <summary>Live and blocked goroutines over the trace, with each leak group's first appearance marked.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record Timeline
{
    /// <summary><c>ns</c> when x is the tracer's timestamp, <c>line</c> when the trace has none.</summary>
    public required string Axis { get; init; }

    /// <summary>The blocking reasons, in the order of <see cref="TimelinePoint.BlockedByReason"/>.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Samples in x order (at most the recorder's maximum, evenly thinned).</summary>
    public required IReadOnlyList<TimelinePoint> Points { get; init; }

    /// <summary>Where each leak group's first suspect parked.</summary>
    public required IReadOnlyList<TimelineMarker> Markers { get; init; }
}
