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
}
