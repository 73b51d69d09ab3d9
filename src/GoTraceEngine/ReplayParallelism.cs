namespace GoTraceEngine;

/// <summary>How many threads a whole-input replay (<c>Replay</c>, <c>ReplayFile</c>, <c>ReplayAsync</c>) uses.</summary>
public enum ReplayParallelism
{
    /// <summary>
    /// The default: <see cref="ParallelParse"/> once the input has proved big — more than one processor and at least
    /// <see cref="TraceEngineOptions.AutoSecondThreadBytes"/> read (the second thread starts between reads, taking over
    /// the tables as they are); else one thread.
    /// </summary>
    Auto = 0,

    /// <summary>One thread: framing, parsing and applying on the caller's thread.</summary>
    SingleThread = 1,

    /// <summary>
    /// Two threads from the start (when there is more than one processor): the caller's thread frames and parses, and
    /// a second thread applies the parsed events to the tables, handed over in batches through a bounded ring.
    /// </summary>
    ApplyThread = 2,

    /// <summary>
    /// Two threads from the start (when there is more than one processor), both parsing: the caller's thread cuts the
    /// input into chunks of whole lines; it and a second thread parse chunks in parallel, and each chunk is applied in
    /// input order by whichever thread finds it next in turn. Parsing is shared, so this pays also when the tables stay
    /// in the caches and applying is cheap.
    /// </summary>
    ParallelParse = 3,
}
