namespace GoTraceEngine.Reporting;

/// <summary>Live and blocked goroutines over the trace, with each leak group's first appearance marked.</summary>
/// <param name="Axis"><c>ns</c> when x is the tracer's timestamp, <c>line</c> when the trace has none.</param>
/// <param name="Reasons">The blocking reasons, in the order of <see cref="TimelinePoint.BlockedByReason"/>.</param>
/// <param name="Points">Samples in x order (at most the recorder's maximum, evenly thinned).</param>
/// <param name="Markers">Where each leak group's first suspect parked.</param>
public sealed record Timeline(string Axis, IReadOnlyList<string> Reasons, IReadOnlyList<TimelinePoint> Points, IReadOnlyList<TimelineMarker> Markers);

/// <summary>One sample.</summary>
/// <param name="X">Timestamp (ns) or line number.</param>
/// <param name="Live">Live goroutines.</param>
/// <param name="Blocked">Blocked goroutines.</param>
/// <param name="BlockedByReason">Blocked goroutines per blocking reason, in <see cref="Timeline.Reasons"/> order.</param>
public sealed record TimelinePoint(long X, long Live, long Blocked, IReadOnlyList<long> BlockedByReason);

/// <summary>A leak group's first appearance.</summary>
/// <param name="X">Where its earliest suspect parked.</param>
/// <param name="Label">The group: start function and reason.</param>
/// <param name="Count">Suspects in the group.</param>
public sealed record TimelineMarker(long X, string Label, long Count);
