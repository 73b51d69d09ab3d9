namespace GoTraceEngine.Reporting;

/// <summary>One sample.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TimelinePoint
{
    /// <summary>Timestamp (ns) or line number.</summary>
    public required long X { get; init; }

    /// <summary>Live goroutines.</summary>
    public required long Live { get; init; }

    /// <summary>Blocked goroutines.</summary>
    public required long Blocked { get; init; }

    /// <summary>Blocked goroutines per blocking reason, in <see cref="Timeline.Reasons"/> order.</summary>
    public required IReadOnlyList<long> BlockedByReason { get; init; }

    /// <summary>
    /// Leaked goroutines by <see cref="X"/>: of the goroutines the verdict calls leaks at the end of the trace
    /// (<see cref="TraceSummary.Leaks"/>), those that had parked by then. It never decreases along the timeline and
    /// ends at the number of leaks; each step up is a leak starting.
    /// </summary>
    public required long Leaked { get; init; }
}
