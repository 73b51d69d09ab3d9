namespace GoTraceEngine.Parsing;

/// <summary>How one line of tracer output was counted. Every line read gets exactly one category.</summary>
public enum LineCategory : byte
{
    /// <summary>A goroutine event or tick, applied to the tables.</summary>
    Event = 0,

    /// <summary>An empty or whitespace-only line (dtrace ends every non-quiet record and every stack with one).</summary>
    Blank,

    /// <summary>dtrace's column header: <c>CPU ID FUNCTION:NAME</c> or <c>CPU FUNCTION</c>.</summary>
    Header,

    /// <summary>
    /// The trace header a bundled tracer script prints first (<c># gotrace tracer=… os=… arch=… go=… reasons=trace|wait</c>):
    /// it selects the reason numbering.
    /// </summary>
    TraceHeader,

    /// <summary>An informational tracer message (<c>dtrace: script … matched N probes</c>, <c>Attaching N probes...</c>).</summary>
    TracerMessage,

    /// <summary>The tracer lost data (<c>dtrace: N drops on CPU M</c>, bpftrace's <c>Lost N events</c>): a report warning.</summary>
    DataLoss,

    /// <summary>A probe faulted (<c>dtrace: error on enabled probe ID …</c>): a report warning.</summary>
    ProbeError,

    /// <summary>The tracer gave up (<c>dtrace: failed to …</c>, <c>processing aborted</c>): a report warning.</summary>
    TracerFatal,

    /// <summary>A <c>-F</c> flow line (<c>-&gt;</c>, <c>&lt;-</c>, <c>|</c>).</summary>
    Flow,

    /// <summary>A stack frame printed by <c>ustack()</c> or <c>stack()</c>.</summary>
    StackFrame,

    /// <summary>Aggregation output (<c>printa</c>, the automatic print at exit, quantize rows).</summary>
    Aggregation,

    /// <summary>A non-quiet probe record whose payload is not one of the engine's event lines.</summary>
    OtherProbe,

    /// <summary>A line with an event keyword whose fields are missing or invalid: a diagnostic with its line number.</summary>
    Malformed,

    /// <summary>A line longer than <see cref="TraceEngineOptions.MaxLineLength"/>: skipped without being buffered.</summary>
    TooLong,

    /// <summary>An unrecognised line that is not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>
    /// A name for the report that <c>gotrace trace</c> or <c>gotrace script --symbols</c> wrote into the trace:
    /// <c># gotrace wrapper WRAPPER WRAPPED</c> (a compiler wrapper and the function it calls) or
    /// <c># gotrace site 0xPC FUNCTION FILE:LINE</c> (a <c>go</c> statement's pc and where it is).
    /// </summary>
    Symbol,

    /// <summary>Anything else: the traced program's own output, most often.</summary>
    ProgramOutput,
}
