namespace GoTraceEngine.Parsing;

/// <summary>What a parsed tracer line says happened.</summary>
public enum TraceEventKind : byte
{
    /// <summary>Not an event (the default value).</summary>
    None = 0,

    /// <summary>A goroutine was created (<c>runtime.newproc1</c>): <c>newproc1:</c> or <c>goroutine … created:</c>.</summary>
    Create = 1,

    /// <summary>A goroutine parked (<c>runtime.gopark</c>) with a reason code: <c>gopark:</c>.</summary>
    Park = 2,

    /// <summary>A goroutine was made runnable again (<c>runtime.ready</c>): <c>ready:</c>.</summary>
    Ready = 3,

    /// <summary>A goroutine exited (<c>runtime.gdestroy</c> or <c>runtime.goexit0</c>): <c>godestroy:</c> or <c>goroutine … destroyed:</c>.</summary>
    Destroy = 4,

    /// <summary>A periodic tick (<c>profile-1s</c>, <c>tick-1s</c>) carrying the script's counters; not an event of a goroutine.</summary>
    Tick = 5,

    /// <summary>The tracer's <c>END</c> probe, carrying the script's final counters.</summary>
    End = 6,
}
