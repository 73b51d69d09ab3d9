using GoTraceEngine.Parsing;

namespace GoTraceEngine.Pipeline;

/// <summary>Where <see cref="EventOrderer"/> sends events in time order. Implement it on a <see langword="struct"/> (a direct, inlinable call).</summary>
internal interface IEventApplier
{
    /// <summary>Applies an event: the tables, then whatever observes them.</summary>
    void Apply(in TraceEvent e);

    /// <summary>Whether a late event is older than its goroutine's current state (then it is not applied).</summary>
    bool IsStale(in TraceEvent e);
}
