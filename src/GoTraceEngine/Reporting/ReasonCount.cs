namespace GoTraceEngine.Reporting;

/// <summary>A count of blocked goroutines for one reason.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record ReasonCount
{
    /// <summary>The reason's name.</summary>
    public required string Reason { get; init; }

    /// <summary>The reason's code.</summary>
    public required int ReasonCode { get; init; }

    /// <summary>Blocked goroutines.</summary>
    public required long Count { get; init; }
}
