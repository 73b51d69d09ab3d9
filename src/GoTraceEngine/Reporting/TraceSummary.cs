using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>
/// What a trace showed: line accounting, events, the live and blocked goroutines, leak suspects, anomalies, warnings
/// and the check of the script's own counters. Produced by <see cref="TraceEngine{TSink}.GetSummary"/>; immutable.
/// </summary>
/// <remarks>
/// The JSON form (<see cref="ReportWriter.WriteJson(TraceSummary, System.IO.Stream)"/>) is a contract: its field names
/// are stable. g pointers are written as <c>"0x…"</c> lowercase hex strings.
/// </remarks>
public sealed class TraceSummary
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
    /// Leak suspects grouped by (start function, creator, reason), biggest group first: where to look. Groups of
    /// unknown functions (traces without <c>fn=</c>/<c>creator=</c>) have null names.
    /// </summary>
    public required IReadOnlyList<LeakGroup> LeakGroups { get; init; }

    /// <summary>Leak suspects grouped by the object they wait on (<c>obj=</c>): goroutines stuck on the same channel or lock.</summary>
    public required IReadOnlyList<WaitObjectGroup> WaitObjects { get; init; }

    /// <summary>Leak suspects: goroutines blocked at the end of the trace (for at least <see cref="LeakAfterNs"/>), in the order they parked.</summary>
    public required IReadOnlyList<LeakSuspect> Leaks { get; init; }

    /// <summary>The <see cref="TraceEngineOptions.LeakAfter"/> threshold, in nanoseconds (0: blocked at the end).</summary>
    public required long LeakAfterNs { get; init; }

    /// <summary>The waitReason numbering used to name <c>wait=</c> codes, when one is known.</summary>
    public required string? WaitReasonTable { get; init; }

    /// <summary>What the trace's header said about the tracer and the traced program, if it had one.</summary>
    public required TraceInfo? Trace { get; init; }

    /// <summary>The traced program and its exit code, when the engine ran under a live tracer (<c>gotrace trace</c>).</summary>
    public TracedProgram? Program { get; init; }

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

/// <summary>Line accounting.</summary>
/// <param name="Total">Lines read.</param>
/// <param name="Events">Lines that were events.</param>
/// <param name="Skipped">Lines that were not events.</param>
/// <param name="SkippedByCategory">Skipped lines by <see cref="Parsing.LineCategory"/> (camelCase names, every category listed).</param>
public sealed record LineCounts(long Total, long Events, long Skipped, IReadOnlyDictionary<string, long> SkippedByCategory);

/// <summary>Events by kind.</summary>
/// <param name="Create">Goroutine creations.</param>
/// <param name="Park">Parks.</param>
/// <param name="Ready">Readies.</param>
/// <param name="Destroy">Exits.</param>
/// <param name="Tick">Periodic ticks (<c>profile-1s</c>).</param>
/// <param name="End">The tracer's <c>END</c> lines.</param>
public sealed record EventCounts(long Create, long Park, long Ready, long Destroy, long Tick, long End);

/// <summary>A count of blocked goroutines for one reason.</summary>
/// <param name="Reason">The reason's name.</param>
/// <param name="ReasonCode">The reason's code.</param>
/// <param name="Count">Blocked goroutines.</param>
public sealed record ReasonCount(string Reason, int ReasonCode, long Count);

/// <summary>A goroutine still blocked at the end of the trace.</summary>
/// <param name="G">Its g pointer.</param>
/// <param name="ReasonCode">The code of the park that blocked it.</param>
/// <param name="Reason">That reason's name.</param>
/// <param name="Parent">The creator's g pointer as printed by the tracer (<c>parent=</c>), or 0.</param>
/// <param name="Line">The line number of the park.</param>
/// <param name="CreateLine">The line number of its creation.</param>
/// <param name="GoId">Its goroutine id, when the trace printed <c>goid=</c>.</param>
/// <param name="StartFunction">Its start function, when printed (<c>fn=</c>).</param>
/// <param name="Creator">The function that ran its <c>go</c> statement, when printed (<c>creator=</c>).</param>
/// <param name="BlockedNs">How long it had been blocked at the end of the trace, when the park had <c>ts=</c>.</param>
/// <param name="Obj">The address it waits on, when printed (<c>obj=</c>).</param>
/// <param name="WaitReasonCode">The runtime's waitReason code, when printed (<c>wait=</c>).</param>
/// <param name="WaitReason">That waitReason's name for the traced Go version.</param>
public sealed record LeakSuspect(
    [property: JsonConverter(typeof(HexPointerJsonConverter))] ulong G,
    int ReasonCode,
    string Reason,
    [property: JsonConverter(typeof(HexPointerJsonConverter))] ulong Parent,
    long Line,
    long CreateLine,
    [property: JsonPropertyName("goid")] long? GoId = null,
    string? StartFunction = null,
    string? Creator = null,
    long? BlockedNs = null,
    [property: JsonConverter(typeof(NullableHexPointerJsonConverter))] ulong? Obj = null,
    int? WaitReasonCode = null,
    string? WaitReason = null);

/// <summary>Leak suspects that started in the same function, from the same creator, blocked for the same reason.</summary>
/// <param name="StartFunction">The goroutines' start function, or null when the trace does not say.</param>
/// <param name="Creator">The function that ran their <c>go</c> statement, or null.</param>
/// <param name="Reason">The blocking reason's name.</param>
/// <param name="ReasonCode">Its code.</param>
/// <param name="Count">Suspects in the group.</param>
/// <param name="OldestBlockedNs">The longest time any of them had been blocked, when known.</param>
/// <param name="ExampleG">One of them (the longest blocked, else the first to park).</param>
public sealed record LeakGroup(
    string? StartFunction,
    string? Creator,
    string Reason,
    int ReasonCode,
    long Count,
    long? OldestBlockedNs,
    [property: JsonConverter(typeof(HexPointerJsonConverter))] ulong ExampleG);

/// <summary>Leak suspects waiting on the same object (<c>obj=</c>).</summary>
/// <param name="Obj">The object's address.</param>
/// <param name="Count">Suspects waiting on it.</param>
/// <param name="Reason">The blocking reason of the first of them.</param>
/// <param name="ReasonCode">Its code.</param>
/// <param name="StartFunction">The start function of the first of them, when known.</param>
/// <param name="ExampleG">The first of them to park.</param>
public sealed record WaitObjectGroup(
    [property: JsonConverter(typeof(HexPointerJsonConverter))] ulong Obj,
    long Count,
    string Reason,
    int ReasonCode,
    string? StartFunction,
    [property: JsonConverter(typeof(HexPointerJsonConverter))] ulong ExampleG);

/// <summary>What a <c># gotrace</c> header line said.</summary>
/// <param name="Tracer">The tracer (<c>dtrace</c>, <c>bpftrace</c>).</param>
/// <param name="Os">The traced program's OS.</param>
/// <param name="Arch">Its CPU architecture.</param>
/// <param name="GoVersion">Its Go version, as printed.</param>
/// <param name="Reasons">The reason numbering (<c>trace</c> or <c>wait</c>).</param>
/// <param name="Line">The header's line number.</param>
public sealed record TraceInfo(string? Tracer, string? Os, string? Arch, string? GoVersion, string? Reasons, long Line);

/// <summary>Time in the trace.</summary>
/// <param name="HasTimestamps">Whether any event had <c>ts=</c>.</param>
/// <param name="FirstTs">The earliest timestamp.</param>
/// <param name="LastTs">The latest timestamp: the end of the trace, against which blocked durations are measured.</param>
/// <param name="DurationNs">LastTs − FirstTs.</param>
/// <param name="ReorderWindowNs">The reorder window.</param>
/// <param name="Reordered">Events that arrived after a later-timestamped one and were put back in order.</param>
/// <param name="Late">Events that arrived later than the window allows: applied out of order, not dropped.</param>
/// <param name="MaxLatenessNs">How far behind the applied events the latest of the late ones was.</param>
/// <param name="OverflowReleases">Events applied before their window closed because <see cref="TraceEngineOptions.MaxPendingEvents"/> were held.</param>
/// <param name="Pending">Events held for reordering when the summary was taken (0 once the input is complete).</param>
/// <param name="Stale">Late events older than their goroutine's current state (a ready before its park, a destroy before its create): not applied.</param>
/// <param name="UntrustedTimestamps">Timestamps outside the trace's clock (<see cref="TraceEngineOptions.MaxClockJump"/>): their events were applied in arrival order.</param>
public sealed record TimingSummary(
    bool HasTimestamps, long? FirstTs, long? LastTs, long? DurationNs, long ReorderWindowNs, long Reordered, long Late, long MaxLatenessNs, long OverflowReleases, int Pending, long Stale = 0, long UntrustedTimestamps = 0);

/// <summary>Events that contradict the tables; each is counted, none stops the run.</summary>
/// <param name="MissedDestroy">Creates of a g that was still live: its destroy was lost or printed out of order.</param>
/// <param name="UntrackedPark">Parks of a g never seen created (older than the trace).</param>
/// <param name="UntrackedReady">Readies of a g never seen created.</param>
/// <param name="UntrackedDestroy">Destroys of a g never seen created.</param>
public sealed record AnomalyCounts(long MissedDestroy, long UntrackedPark, long UntrackedReady, long UntrackedDestroy)
{
    /// <summary>All anomalies.</summary>
    public long Total => MissedDestroy + UntrackedPark + UntrackedReady + UntrackedDestroy;
}

/// <summary>A line that means the trace is incomplete or a probe misbehaved.</summary>
/// <param name="Kind"><c>dataLoss</c>, <c>probeError</c>, <c>tracerFatal</c>, or <c>limit</c> (a memory bound was reached).</param>
/// <param name="Line">Its line number (0 for limits reached over the whole run).</param>
/// <param name="Message">The line as the tracer printed it.</param>
public sealed record TraceWarning(string Kind, long Line, string Message);

/// <summary>A line that could not be used.</summary>
/// <param name="Line">Its line number.</param>
/// <param name="Category"><c>malformed</c> or <c>tooLong</c>.</param>
/// <param name="Message">What is wrong with it.</param>
/// <param name="Text">The start of the line (at most 200 characters).</param>
public sealed record LineDiagnostic(long Line, string Category, string Message, string Text);

/// <summary>
/// The script's own <c>count=</c> and <c>blocked_count=</c> compared with the engine's tables after each line that
/// printed them. The engine never trusts them: they drift when the script misses events (the seed's <c>ready</c>
/// clause) or updates them non-atomically across CPUs.
/// </summary>
/// <param name="Present">Whether any line carried script counters.</param>
/// <param name="Checked">Lines whose counters were compared.</param>
/// <param name="Disagreements">Lines whose counters differed from the engine's.</param>
/// <param name="FirstDisagreementLine">The first such line, if any.</param>
/// <param name="Line">The last line that carried counters.</param>
/// <param name="Kind">That line's event kind (<c>end</c>, <c>tick</c>, <c>create</c>…).</param>
/// <param name="Count">Its <c>count=</c>, if printed.</param>
/// <param name="BlockedCount">Its <c>blocked_count=</c>, if printed.</param>
/// <param name="EngineLive">The engine's live count at that line.</param>
/// <param name="EngineBlocked">The engine's blocked count at that line.</param>
/// <param name="Agree">Whether that last line agreed with the engine.</param>
public sealed record ScriptCounterCheck(
    bool Present,
    long Checked,
    long Disagreements,
    long? FirstDisagreementLine,
    long? Line,
    string? Kind,
    long? Count,
    long? BlockedCount,
    int? EngineLive,
    int? EngineBlocked,
    bool? Agree);

/// <summary>The program a live trace ran.</summary>
/// <param name="Command">The command line.</param>
/// <param name="ExitCode">Its exit code, or null when it did not exit normally (killed, interrupted).</param>
public sealed record TracedProgram(string Command, int? ExitCode);
