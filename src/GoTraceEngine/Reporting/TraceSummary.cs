namespace GoTraceEngine.Reporting;

/// <summary>
/// What a trace showed: line accounting, events, the live and blocked goroutines, the verdict's leaks, anomalies, warnings
/// and the check of the script's own counters. Produced by <see cref="TraceEngine{TSink}.GetSummary"/>; immutable.
/// </summary>
/// <remarks>
/// The JSON form (<see cref="ReportWriter.WriteJson(TraceSummary, System.IO.Stream)"/>) is a contract: its field names
/// are stable. g pointers are written as <c>"0x…"</c> lowercase hex strings.
/// </remarks>
public sealed record TraceSummary
{
    /// <summary>Every line read, as events or skipped by category: <c>Events + Skipped == Total</c>.</summary>
    public required LineCounts Lines { get; init; }

    /// <summary>Events applied, by kind.</summary>
    public required EventCounts Events { get; init; }

    /// <summary>Goroutines created and not destroyed at the end of the trace.</summary>
    public required int Live { get; init; }

    /// <summary>Live goroutines parked with a blocking reason at the end of the trace.</summary>
    public required int Blocked { get; init; }

    /// <summary>The numbering of reason codes used (<see cref="State.ReasonTable.Id"/>).</summary>
    public required string ReasonTable { get; init; }

    /// <summary>Blocked goroutines by reason name.</summary>
    public required IReadOnlyDictionary<string, long> BlockedByReason { get; init; }

    /// <summary>Blocked goroutines by reason, with codes, biggest first.</summary>
    public required IReadOnlyList<ReasonCount> BlockedReasons { get; init; }

    /// <summary>
    /// Leak suspects grouped by (start function, <c>go</c> statement, reason), biggest group first: where to look. Groups of
    /// unknown functions (traces without <c>fn=</c>/<c>creator=</c>) have null names.
    /// </summary>
    public required IReadOnlyList<LeakGroup> LeakGroups { get; init; }

    /// <summary>
    /// Leak suspects grouped by the object they wait on (<c>obj=</c>): goroutines stuck on the same channel. Only objects
    /// two or more suspects wait on; each suspect's own object is in <see cref="Leaks"/>. Not mutex, RWMutex or
    /// WaitGroup waits: their <c>obj=</c> is a semaphore bucket that unrelated locks share.
    /// </summary>
    public required IReadOnlyList<WaitObjectGroup> WaitObjects { get; init; }

    /// <summary>
    /// The leaks: blocked goroutines the verdict calls leaked (and blocked at least <see cref="LeakAfterNs"/>), the longest
    /// blocked first. On a program that finished (quiesced) these are every goroutine still blocked at the end.
    /// </summary>
    public required IReadOnlyList<LeakSuspect> Leaks { get; init; }

    /// <summary>Blocked goroutines that look leaked with too little history to be sure, longest blocked first.</summary>
    public required IReadOnlyList<LeakSuspect> Likely { get; init; }

    /// <summary><see cref="Likely"/> grouped like <see cref="LeakGroups"/>.</summary>
    public required IReadOnlyList<LeakGroup> LikelyGroups { get; init; }

    /// <summary>
    /// The blocked goroutines that are only waiting (a line that moves, their group's usual wait), grouped like
    /// <see cref="LeakGroups"/>: never dropped, only not called leaks.
    /// </summary>
    public required IReadOnlyList<LeakGroup> WaitingGroups { get; init; }

    /// <summary>How the verdict split the blocked goroutines.</summary>
    public required VerdictSummary Verdict { get; init; }

    /// <summary>The <see cref="TraceEngineOptions.LeakAfter"/> threshold, in nanoseconds (0: blocked at the end).</summary>
    public required long LeakAfterNs { get; init; }

    /// <summary>The waitReason numbering used to name <c>wait=</c> codes, when one is known.</summary>
    public required string? WaitReasonTable { get; init; }

    /// <summary>What the trace's header said about the tracer and the traced program, if it had one.</summary>
    public required TraceInfo? Trace { get; init; }

    /// <summary>
    /// The traced program, when a live tracer ran it (<c>gotrace trace</c> sets it: the engine itself only reads a trace).
    /// </summary>
    public TracedProgram? Program { get; init; }

    /// <summary>How the traced program ended, when the trace says so (<c># exit code=N</c>, <c># exit signal=N</c>).</summary>
    public ProgramExit? ProgramExit { get; init; }

    /// <summary>Timestamps, reordering and late events.</summary>
    public required TimingSummary Timing { get; init; }

    /// <summary>Events that contradict the tables.</summary>
    public required AnomalyCounts Anomalies { get; init; }

    /// <summary>Data loss, probe errors and tracer failures, with their line numbers (the first <see cref="TraceEngineOptions.MaxWarnings"/>).</summary>
    public required IReadOnlyList<TraceWarning> Warnings { get; init; }

    /// <summary>Warnings counted but not kept because <see cref="TraceEngineOptions.MaxWarnings"/> was reached.</summary>
    public required long WarningsOmitted { get; init; }

    /// <summary>Malformed and too-long lines, with their line numbers (the first <see cref="TraceEngineOptions.MaxDiagnostics"/>).</summary>
    public required IReadOnlyList<LineDiagnostic> Diagnostics { get; init; }

    /// <summary>Diagnostics counted but not kept because <see cref="TraceEngineOptions.MaxDiagnostics"/> was reached.</summary>
    public required long DiagnosticsOmitted { get; init; }

    /// <summary>The script's own counters compared with the engine's.</summary>
    public required ScriptCounterCheck ScriptCounters { get; init; }

    /// <summary>Whether the input was read to its end; <see langword="false"/> for a snapshot taken mid-stream.</summary>
    public required bool Completed { get; init; }

    /// <summary>
    /// Why this report may not show the whole run (empty when nothing suggests so): the input ended mid-line, the
    /// tracer failed or lost data, or reading was interrupted. The report still shows everything that was read.
    /// </summary>
    public required IReadOnlyList<string> Incomplete { get; init; }

    /// <summary>The reasons behind <see cref="Incomplete"/>, for programs that branch on them (same order).</summary>
    public required IReadOnlyList<IncompleteReason> IncompleteReasons { get; init; }
}
