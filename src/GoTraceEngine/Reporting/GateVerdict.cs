namespace GoTraceEngine.Reporting;

/// <summary>The CI gate's decision on a report (<see cref="LeakGate.Judge"/>).</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record GateVerdict
{
    /// <summary>Whether the offending goroutines fit the budget.</summary>
    public required bool Passed { get; init; }

    /// <summary>The budget.</summary>
    public required long MaxLeaks { get; init; }

    /// <summary>Leaked goroutines that no rule ignores and no baseline accepts.</summary>
    public required long Offending { get; init; }

    /// <summary>Every leak group with its decision, in the report's order.</summary>
    public required IReadOnlyList<JudgedGroup> Groups { get; init; }

    /// <summary>The report judged.</summary>
    public required TraceSummary Report { get; init; }
}
