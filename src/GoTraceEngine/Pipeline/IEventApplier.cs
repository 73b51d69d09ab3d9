using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// Where <see cref="EventOrderer"/> sends events in time order, and its diagnostics at their place among them.
/// Implement it on a <see langword="struct"/> (a direct, inlinable call).
/// </summary>
internal interface IEventApplier
{
    /// <summary>Applies an event: the tables, then whatever observes them.</summary>
    void Apply(in TraceEvent e);

    /// <summary>
    /// Applies an event that arrived later than the reorder window, unless it is older than its goroutine's state after
    /// everything before it (stale: then it is counted with <see cref="EventOrderer.CountStale"/>, diagnosed, and not applied).
    /// </summary>
    void ApplyLate(in TraceEvent e);

    /// <summary>Reports one of the orderer's diagnostics (a clock that is corrupt or restarts), after the events before it.</summary>
    void Diagnose(DiagnosticKind kind, long lineNumber, string message);
}
