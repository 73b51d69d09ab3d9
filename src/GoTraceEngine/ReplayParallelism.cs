namespace GoTraceEngine;

/// <summary>How many threads a whole-input replay (<c>Replay</c>, <c>ReplayFile</c>, <c>ReplayAsync</c>) uses.</summary>
public enum ReplayParallelism
{
    /// <summary>
    /// The default: two threads once the input has proved big and busy — more than one processor, at least
    /// <see cref="TraceEngineOptions.AutoApplyThreadBytes"/> read, and at least
    /// <see cref="TraceEngineOptions.AutoApplyThreadLive"/> live goroutines at that point (where the tables
    /// outgrow the caches, applying is as costly as parsing and the second core pays off); else one.
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
