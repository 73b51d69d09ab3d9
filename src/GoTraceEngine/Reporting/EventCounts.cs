namespace GoTraceEngine.Reporting;

/// <summary>Events by kind.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record EventCounts
{
    /// <summary>Goroutine creations.</summary>
    public required long Create { get; init; }

    /// <summary>Parks.</summary>
    public required long Park { get; init; }

    /// <summary>Readies.</summary>
    public required long Ready { get; init; }

    /// <summary>Exits.</summary>
    public required long Destroy { get; init; }

    /// <summary>Periodic ticks (<c>profile-1s</c>).</summary>
    public required long Tick { get; init; }

    /// <summary>The tracer's <c>END</c> lines.</summary>
    public required long End { get; init; }
}
