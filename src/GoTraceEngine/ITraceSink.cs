using GoTraceEngine.Parsing;

namespace GoTraceEngine;

/// <summary>
/// Receives every event the engine applies, after it is applied. Implement it on a <see langword="struct"/>: the engine
/// is generic over the sink, so each call is direct and can be inlined.
/// </summary>
public interface ITraceSink
{
    /// <summary>Called once per event, in input order, after the tables were updated.</summary>
    /// <param name="e">The event; a copy that may be kept.</param>
    void OnEvent(in TraceEvent e);
}

/// <summary>A sink that ignores events: the engine's tables and report are all that is wanted.</summary>
public struct NullTraceSink : ITraceSink
{
    /// <inheritdoc/>
    public readonly void OnEvent(in TraceEvent e)
    {
    }
}
