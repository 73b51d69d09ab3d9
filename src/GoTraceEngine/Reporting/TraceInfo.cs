namespace GoTraceEngine.Reporting;

/// <summary>What a <c># gotrace</c> header line said.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record TraceInfo
{
    /// <summary>The tracer (<c>dtrace</c>, <c>bpftrace</c>).</summary>
    public required string? Tracer { get; init; }

    /// <summary>The traced program's OS.</summary>
    public required string? Os { get; init; }

    /// <summary>Its CPU architecture.</summary>
    public required string? Arch { get; init; }

    /// <summary>Its Go version, as printed.</summary>
    public required string? GoVersion { get; init; }

    /// <summary>The reason numbering (<c>trace</c> or <c>wait</c>).</summary>
    public required string? Reasons { get; init; }

    /// <summary>The header's line number.</summary>
    public required long Line { get; init; }
}
