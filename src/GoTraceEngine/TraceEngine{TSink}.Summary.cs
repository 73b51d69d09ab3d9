using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine;

// The report: the only place the engine builds strings and collections from its state.
public partial class TraceEngine<TSink>
{
    /// <summary>Builds the report of everything read so far. Can be called at any time; allocates.</summary>
    /// <returns>An immutable snapshot.</returns>
    public TraceSummary GetSummary()
    {
        ReasonTable reasons = _state.Reasons;
        var skipped = new Dictionary<string, long>(CategoryCount);
        long skippedTotal = 0;
        for (int i = 1; i < CategoryCount; i++)
        {
            skipped.Add(CategoryName((LineCategory)i), _lineCounts[i]);
            skippedTotal += _lineCounts[i];
        }

        long leakAfter = _options.LeakAfter.Ticks * 100L;
        List<(IncompleteReason Reason, string Text)> incomplete = IncompleteReasons();
        long end = _lastTimestamp;
        var byKey = new long[256];
        var codeOfKey = new int[256];
        var leaks = new List<LeakSuspect>(_state.Blocked.Count);
        foreach (BlockedGoroutine blocked in Blocked)
        {
            if (byKey[blocked.Key]++ == 0)
            {
                codeOfKey[blocked.Key] = reasons.CodeOf(blocked.Key) is >= 0 and var code ? code : blocked.Reason;
            }

            long? blockedNs = blocked.ParkTimestamp is { } parked ? Math.Max(0, end - parked) : null;
            if (leakAfter > 0 && blockedNs < leakAfter)
            {
                continue;
            }

            Live.TryGet(blocked.GPointer, out GoroutineRecord record);
            leaks.Add(new LeakSuspect(
                blocked.GPointer,
                blocked.Reason,
                blocked.ReasonName,
                record.Parent,
                blocked.ParkLineNumber,
                record.CreateLineNumber,
                record.GoId == 0 ? null : record.GoId,
                NameOrNull(record.StartFunction),
                NameOrNull(record.Creator),
                blockedNs,
                blocked.WaitObject,
                blocked.WaitReason,
                blocked.WaitReason is { } wait ? WaitName(wait) : null));
        }

        // Park order: the longest blocked first when the trace has timestamps, else by the park's line.
        leaks.Sort(static (a, b) =>
            (a.BlockedNs ?? -1) != (b.BlockedNs ?? -1) ? (b.BlockedNs ?? -1).CompareTo(a.BlockedNs ?? -1)
            : a.Line != b.Line ? a.Line.CompareTo(b.Line)
            : a.G.CompareTo(b.G));

        var reasonCounts = new List<ReasonCount>();
        for (int key = 0; key < byKey.Length; key++)
        {
            if (byKey[key] > 0)
            {
                reasonCounts.Add(new ReasonCount(ReasonKeys.Name((byte)key), codeOfKey[key], byKey[key]));
            }
        }

        reasonCounts.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.ReasonCode.CompareTo(b.ReasonCode));
        var byReason = new Dictionary<string, long>(reasonCounts.Count);
        foreach (ReasonCount reason in reasonCounts)
        {
            byReason[reason.Reason] = reason.Count;
        }

        return new TraceSummary
        {
            Lines = new LineCounts(_lineNumber, _lineCounts[(int)LineCategory.Event], skippedTotal, skipped),
            Events = new EventCounts(
                _eventCounts[(int)TraceEventKind.Create],
                _eventCounts[(int)TraceEventKind.Park],
                _eventCounts[(int)TraceEventKind.Ready],
                _eventCounts[(int)TraceEventKind.Destroy],
                _eventCounts[(int)TraceEventKind.Tick],
                _eventCounts[(int)TraceEventKind.End]),
            Live = _state.Live.Count,
            Blocked = _state.Blocked.Count,
            ReasonTable = reasons.Id,
            WaitReasonTable = _waitReasons?.Id,
            BlockedByReason = byReason,
            BlockedReasons = reasonCounts,
            LeakGroups = LeakGroupBuilder.ByFunction(leaks),
            WaitObjects = LeakGroupBuilder.ByWaitObject(leaks),
            Leaks = leaks,
            LeakAfterNs = leakAfter,
            Anomalies = new AnomalyCounts(_state.MissedDestroys, _state.UntrackedParks, _state.UntrackedReadies, _state.UntrackedDestroys),
            Warnings = [.. _warnings, .. LimitWarnings()],
            WarningsOmitted = _warningsOmitted,
            Diagnostics = _diagnostics.ToArray(),
            DiagnosticsOmitted = _diagnosticsOmitted,
            ScriptCounters = ScriptCounterSummary(),
            Trace = _traceInfo,
            Timing = new TimingSummary(
                _hasTimestamps,
                _hasTimestamps ? _firstTimestamp : null,
                _hasTimestamps ? _lastTimestamp : null,
                _hasTimestamps ? _lastTimestamp - _firstTimestamp : null,
                _window,
                _reorderedEvents,
                _lateEvents,
                _maxLateness,
                _overflowReleases,
                _reorder.Count,
                _staleEvents,
                _untrustedTimestamps),
            Completed = _completed,
            Incomplete = [.. incomplete.Select(r => r.Text)],
            IncompleteReasons = [.. incomplete.Select(r => r.Reason)],
            Program = _program,
        };
    }

    /// <summary>Why the report may not show the whole run: the input was cut, the tracer failed, reading stopped, a limit was hit.</summary>
    private List<(IncompleteReason Reason, string Text)> IncompleteReasons()
    {
        var reasons = new List<(IncompleteReason, string)>();
        foreach ((IncompleteReason reason, string? detail) in _endedEarly)
        {
            reasons.Add((reason, detail ?? IncompleteText(reason)));
        }

        if (_endedMidLine)
        {
            reasons.Add((IncompleteReason.EndedMidLine, IncompleteText(IncompleteReason.EndedMidLine)));
        }

        if (_lineCounts[(int)LineCategory.TracerFatal] > 0)
        {
            reasons.Add((IncompleteReason.TracerFatal, IncompleteText(IncompleteReason.TracerFatal)));
        }

        if (_lineCounts[(int)LineCategory.DataLoss] > 0)
        {
            reasons.Add((IncompleteReason.DataLoss, IncompleteText(IncompleteReason.DataLoss)));
        }

        if (_state.DroppedCreates > 0)
        {
            reasons.Add((IncompleteReason.GoroutineLimit, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_state.DroppedCreates} goroutines were not tracked: more than {_options.MaxGoroutines} were live (--max-goroutines); leaks among them are not reported")));
        }

        return reasons;
    }

    private static string IncompleteText(IncompleteReason reason) => reason switch
    {
        IncompleteReason.EndedMidLine => "the last line had no newline: the input may have been cut (a tracer killed mid-write, a truncated file)",
        IncompleteReason.TracerFatal => "the tracer reported a fatal error",
        IncompleteReason.DataLoss => "the tracer lost data",
        IncompleteReason.Interrupted => "reading was interrupted",
        IncompleteReason.TracerFailed => "the tracer failed",
        _ => "goroutines were not tracked past --max-goroutines",
    };

    /// <summary>Bounded-memory limits that were reached: each one means data was counted but not kept.</summary>
    private IEnumerable<TraceWarning> LimitWarnings()
    {
        if (_state.DroppedCreates > 0)
        {
            yield return new TraceWarning("limit", _state.FirstDroppedLine, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_state.DroppedCreates} creates not tracked: {_options.MaxGoroutines} goroutines were live (MaxGoroutines, --max-goroutines)"));
        }

        if (_lateEvents > 0)
        {
            yield return new TraceWarning("late", 0, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_lateEvents} events arrived more than the reorder window ({_window / 1_000_000}ms) after later ones and were applied out of time order; {_staleEvents} of them were older than their goroutine's state and were not applied. A wider --reorder-window puts them in order"));
        }

        if (_overflowReleases > 0)
        {
            yield return new TraceWarning("limit", 0, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_overflowReleases} events applied before their reorder window closed: {_options.MaxPendingEvents} were held (MaxPendingEvents)"));
        }

        if (_names.Overflowed > 0)
        {
            yield return new TraceWarning("limit", 0, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{_names.Overflowed} function names past the cap of {NameTable.MaxNames} distinct names are reported as '{NameTable.OverflowName}'"));
        }
    }

    private TracedProgram? _program;

    /// <summary>
    /// Live and blocked goroutines over the trace (sampled when <see cref="TraceEngineOptions.TimelinePoints"/> is
    /// above 0), with each leak group's first appearance marked.
    /// </summary>
    /// <returns>The timeline; empty when sampling is off.</returns>
    public Timeline GetTimeline()
    {
        TraceSummary summary = GetSummary();
        string axis = _hasTimestamps ? "ns" : "line";
        var reasons = new List<string>();
        var points = new List<TimelinePoint>();
        if (_timeline is { } recorder)
        {
            foreach (byte key in recorder.Keys)
            {
                reasons.Add(ReasonKeys.Name(key));
            }

            for (int i = 0; i < recorder.Count; i++)
            {
                ReadOnlySpan<long> p = recorder.Point(i);
                points.Add(new TimelinePoint(p[0], p[1], p[2], p[3..].ToArray()));
            }

            long end = _hasTimestamps ? _lastTimestamp : _lineNumber;
            if (points.Count == 0 || points[^1].X < end)
            {
                points.Add(new TimelinePoint(end, _state.Live.Count, _state.Blocked.Count, [.. recorder.Keys.ToArray().Select(_state.BlockedWithKey)]));
            }
        }

        var markers = new List<TimelineMarker>();
        foreach (LeakGroup group in summary.LeakGroups)
        {
            long first = long.MaxValue;
            foreach (LeakSuspect leak in summary.Leaks)
            {
                if (leak.StartFunction == group.StartFunction && leak.Creator == group.Creator && leak.ReasonCode == group.ReasonCode)
                {
                    long x = _hasTimestamps && leak.BlockedNs is { } blocked ? _lastTimestamp - blocked : leak.Line;
                    first = Math.Min(first, x);
                }
            }

            markers.Add(new TimelineMarker(first, $"{group.StartFunction ?? "(start function unknown)"}: {group.Reason}", group.Count));
        }

        return new Timeline(axis, reasons, points, markers);
    }

    /// <summary>Records the program a live trace ran, for the report.</summary>
    /// <param name="command">Its command line.</param>
    /// <param name="exitCode">Its exit code, or null when it did not exit normally.</param>
    public void SetTracedProgram(string command, int? exitCode) => _program = new TracedProgram(command, exitCode);

    private string? NameOrNull(int id) => id == 0 ? null : _names.GetName(id);

    private string WaitName(byte code) => _waitReasons?.GetName(code) ?? $"wait({code})";

    private ScriptCounterCheck ScriptCounterSummary()
    {
        bool present = _scriptChecked > 0;
        return new ScriptCounterCheck(
            present,
            _scriptChecked,
            _scriptDisagreements,
            _firstDisagreementLine == 0 ? null : _firstDisagreementLine,
            present ? _lastScriptLine : null,
            present ? KindName(_lastScriptKind) : null,
            _lastScriptCount,
            _lastScriptBlockedCount,
            present ? _lastScriptLive : null,
            present ? _lastScriptBlocked : null,
            present ? _lastScriptAgree : null);
    }

    /// <summary>The camelCase name of a category, as the report writes it.</summary>
    /// <param name="category">The category.</param>
    /// <returns>Its report name.</returns>
    public static string CategoryName(LineCategory category) => category switch
    {
        LineCategory.Event => "event",
        LineCategory.Blank => "blank",
        LineCategory.Header => "header",
        LineCategory.TraceHeader => "traceHeader",
        LineCategory.TracerMessage => "tracerMessage",
        LineCategory.DataLoss => "dataLoss",
        LineCategory.ProbeError => "probeError",
        LineCategory.TracerFatal => "tracerFatal",
        LineCategory.Flow => "flow",
        LineCategory.StackFrame => "stackFrame",
        LineCategory.Aggregation => "aggregation",
        LineCategory.OtherProbe => "otherProbe",
        LineCategory.Malformed => "malformed",
        LineCategory.TooLong => "tooLong",
        LineCategory.InvalidUtf8 => "invalidUtf8",
        LineCategory.ProgramOutput => "programOutput",
        _ => "unknown",
    };

    private static string KindName(TraceEventKind kind) => kind switch
    {
        TraceEventKind.Create => "create",
        TraceEventKind.Park => "park",
        TraceEventKind.Ready => "ready",
        TraceEventKind.Destroy => "destroy",
        TraceEventKind.Tick => "tick",
        TraceEventKind.End => "end",
        _ => "none",
    };
}
