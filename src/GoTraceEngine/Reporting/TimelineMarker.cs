namespace GoTraceEngine.Reporting;

/// <summary>A leak group's appearance on the timeline: where each of its leaks parked.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TimelineMarker
{
    /// <summary>Where its earliest leak parked.</summary>
    public required long X { get; init; }

    /// <summary>The group: start function and reason (and its creator, when another group has the same two).</summary>
    public required string Label { get; init; }

    /// <summary>Leaks in the group.</summary>
    public required long Count { get; init; }

    /// <summary>The leak group it marks (one of <see cref="TraceSummary.LeakGroups"/>).</summary>
    public required LeakGroup Group { get; init; }

    /// <summary>Where each of the group's leaks parked, in x order (<see cref="Count"/> values, the first is <see cref="X"/>).</summary>
    public required IReadOnlyList<long> ParkedAt { get; init; }
}
