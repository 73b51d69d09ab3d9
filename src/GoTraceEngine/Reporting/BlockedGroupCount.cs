namespace GoTraceEngine.Reporting;

/// <summary>A group of goroutines blocked right now (start function, creator, reason) and its size, for a live view.</summary>
/// <remarks>Members are <c>init</c>, so the type can grow without breaking binary compatibility.</remarks>
public readonly record struct BlockedGroupCount
{
    /// <summary>The group's start function, or null when the trace does not say.</summary>
    public string? StartFunction { get; init; }

    /// <summary>The function that ran their go statement, or null.</summary>
    public string? Creator { get; init; }

    /// <summary>The blocking reason's name.</summary>
    public string Reason { get; init; }

    /// <summary>Blocked goroutines in the group.</summary>
    public long Count { get; init; }

    /// <summary>Those the verdict calls leaks now (and, with <see cref="TraceEngineOptions.LeakAfter"/>, blocked at least that long).</summary>
    public long Leaked { get; init; }

    /// <summary>The earliest park's <c>ts=</c> in the group, or null without timestamps.</summary>
    public long? OldestParkTimestamp { get; init; }
}
