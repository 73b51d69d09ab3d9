namespace GoTraceEngine.Generation;

/// <summary>The line format a generated trace is written in.</summary>
public enum TraceFormat : byte
{
    /// <summary>The seed's full script under <c>dtrace -q</c>, with the corrected <c>ready:</c> lines and the script's counters.</summary>
    Quiet = 0,

    /// <summary>The same records as dtrace prints them without <c>-q</c>: header, <c>CPU ID FUNCTION:NAME</c> prefixes, a blank line after each.</summary>
    NonQuiet = 1,

    /// <summary>The full event format: header line, <c>ts=</c>, <c>goid=</c>, <c>fn=</c>, <c>creator=</c>, <c>obj=</c>, <c>wait=</c>, drained per CPU out of order.</summary>
    Full = 2,
}
