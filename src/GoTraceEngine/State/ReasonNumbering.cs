namespace GoTraceEngine.State;

/// <summary>Which of the runtime's two park-reason enums a tracer's <c>reason=</c> field carries.</summary>
public enum ReasonNumbering : byte
{
    /// <summary>
    /// <c>traceBlockReason</c>, <c>gopark</c>'s 4th argument (Go ≥1.22 iota values; trace event numbers on Go ≤1.21,
    /// where the argument was <c>traceEv</c>). Stable within each of the two eras.
    /// </summary>
    Trace = 0,

    /// <summary><c>waitReason</c>, <c>gopark</c>'s 3rd argument: finer-grained, renumbered in Go 1.24, 1.25 and 1.26.</summary>
    Wait = 1,
}
