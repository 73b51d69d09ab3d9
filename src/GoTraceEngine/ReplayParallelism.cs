namespace GoTraceEngine;

/// <summary>How many threads a whole-input replay (<c>Replay</c>, <c>ReplayFile</c>, <c>ReplayAsync</c>) uses.</summary>
public enum ReplayParallelism
{
    /// <summary>
    /// The default: two threads once the input has proved big and busy — more than one processor, at least
    /// <see cref="TraceEngineOptions.AutoApplyThreadBytes"/> read, and at that point either at least
    /// <see cref="TraceEngineOptions.AutoApplyThreadLive"/> live goroutines (the tables outgrow the caches) or
    /// timestamped events going through a reorder window: then applying is as costly as parsing and the second core
    /// pays off. Else one (small tables and no window: applying is cheap, and the handoff costs more than it gives).
    /// </summary>
    Auto = 0,

    /// <summary>One thread: framing, parsing and applying on the caller's thread.</summary>
    SingleThread = 1,

    /// <summary>
    /// Two threads from the start (when there is more than one processor): the caller's thread frames and parses, and
    /// a second thread applies the parsed events to the tables, handed over in batches through a bounded ring.
    /// </summary>
    ApplyThread = 2,
}
