namespace GoTraceEngine.Reporting;

/// <summary>A leak group's first appearance.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TimelineMarker
{
    /// <summary>Where its earliest suspect parked.</summary>
    public required long X { get; init; }

    /// <summary>The group: start function and reason.</summary>
    public required string Label { get; init; }

    /// <summary>Suspects in the group.</summary>
    public required long Count { get; init; }
}
