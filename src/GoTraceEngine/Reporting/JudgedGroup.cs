namespace GoTraceEngine.Reporting;

/// <summary>A leak group as the CI gate judged it: offending, accepted by a baseline, or ignored by a rule.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record JudgedGroup
{
    /// <summary>The group's start function, or null when the trace does not say.</summary>
    public required string? StartFunction { get; init; }

    /// <summary>The function that ran the go statement, or null.</summary>
    public required string? Creator { get; init; }

    /// <summary>The blocking reason.</summary>
    public required string Reason { get; init; }

    /// <summary>Its code.</summary>
    public required int ReasonCode { get; init; }

    /// <summary>Leaked goroutines in the group.</summary>
    public required long Count { get; init; }

    /// <summary>How many of them the baseline accepts.</summary>
    public required long Accepted { get; init; }

    /// <summary>How many count against the budget.</summary>
    public required long Offending { get; init; }

    /// <summary>The decision.</summary>
    public required GroupVerdict Verdict { get; init; }

    /// <summary>The ignore rule or baseline that decided, if any (<c>--ignore main.worker</c>, <c>baseline</c>).</summary>
    public required string? Rule { get; init; }

    /// <summary>The longest any of them had been blocked, when known.</summary>
    public required long? OldestBlockedNs { get; init; }

    /// <summary>The verdict's rule that made the group's goroutines leaks (<c>farBeyondGroupReleases</c>, <c>quiesced</c>…).</summary>
    public string? LeakRule { get; init; }

    /// <summary>The verdict's evidence for the group's example goroutine, in words.</summary>
    public string? Evidence { get; init; }
}
