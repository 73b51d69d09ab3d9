namespace GoTraceEngine.Reporting;

/// <summary>One accepted leak group in a <see cref="LeakBaseline"/>.</summary>
/// <remarks>Members are <c>init</c>, so the file format can grow without breaking binary compatibility.</remarks>
public sealed record BaselineGroup
{
    /// <summary>Start function, or null when the trace had none.</summary>
    public string? StartFunction { get; init; }

    /// <summary>Creator, or null.</summary>
    public string? Creator { get; init; }

    /// <summary>Blocking reason name.</summary>
    public string? Reason { get; init; }

    /// <summary>Leaked goroutines accepted.</summary>
    public long Count { get; init; }
}
