using System.Runtime.CompilerServices;
using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine;

// The rare paths: warnings, diagnostics and the script-counter check. They may allocate (a bounded number of
// messages); the per-event path does not.
public partial class TraceEngine<TSink>
{
    private const int MaxExcerptLength = 200;

    private readonly List<TraceWarning> _warnings = [];
    private readonly List<LineDiagnostic> _diagnostics = [];
    private long _warningsOmitted;
    private long _diagnosticsOmitted;

    private TraceInfo? _traceInfo;
    private long _scriptChecked;
    private long _scriptDisagreements;
    private long _firstDisagreementLine;
    private long _lastScriptLine;
    private TraceEventKind _lastScriptKind;
    private long? _lastScriptCount;
    private long? _lastScriptBlockedCount;
    private int _lastScriptLive;
    private int _lastScriptBlocked;
    private bool _lastScriptAgree;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Record(LineCategory category, ReadOnlySpan<byte> line, long lineNumber, ParseFailure failure)
    {
        switch (category)
        {
            case LineCategory.Malformed:
                AddDiagnostic(lineNumber, "malformed", ParseFailureText.Describe(failure), line);
                break;
            case LineCategory.DataLoss:
                AddWarning("dataLoss", lineNumber, line);
                break;
            case LineCategory.ProbeError:
                AddWarning("probeError", lineNumber, line);
                break;
            case LineCategory.TracerFatal:
                AddWarning("tracerFatal", lineNumber, line);
                break;
            case LineCategory.TraceHeader:
                ApplyHeader(line, lineNumber);
                break;
            default:
                break;
        }
    }

    /// <summary>An event whose optional field could not be read: applied without it, with a diagnostic.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordDroppedField(ReadOnlySpan<byte> line, long lineNumber, ParseFailure failure) =>
        AddDiagnostic(lineNumber, "field", ParseFailureText.Describe(failure) + "; the event was applied without it", line);

    private void AddWarning(string kind, long lineNumber, ReadOnlySpan<byte> line)
    {
        if (_warnings.Count >= _options.MaxWarnings)
        {
            _warningsOmitted++;
            return;
        }

        _warnings.Add(new TraceWarning(kind, lineNumber, Excerpt(line)));
    }

    private void AddDiagnostic(long lineNumber, string category, string message, ReadOnlySpan<byte> line)
    {
        if (_diagnostics.Count >= _options.MaxDiagnostics)
        {
            _diagnosticsOmitted++;
            return;
        }

        _diagnostics.Add(new LineDiagnostic(lineNumber, category, message, Excerpt(line)));
    }

    private static string Excerpt(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd("\r \t"u8);
        if (line.Length > MaxExcerptLength)
        {
            line = line[..MaxExcerptLength];
        }

        return Encoding.UTF8.GetString(line);
    }

    /// <summary>
    /// <c># gotrace tracer=bpftrace os=linux arch=amd64 go=go1.19.8 reasons=trace</c>: names the tracer and selects the
    /// reason tables for the Go version and numbering it declares, from this line on.
    /// </summary>
    private void ApplyHeader(ReadOnlySpan<byte> line, long lineNumber)
    {
        string text = Excerpt(line);
        string? tracer = null, os = null, arch = null, go = null, reasons = null;
        foreach (string token in text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            string value = token[(eq + 1)..];
            switch (token[..eq])
            {
                case "tracer": tracer = value; break;
                case "os": os = value; break;
                case "arch": arch = value; break;
                case "go": go = value; break;
                case "reasons": reasons = value; break;
                default: break;
            }
        }

        GoVersion version = _options.GoVersion;
        if (go is not null && !GoVersion.TryParse(go, out version))
        {
            AddDiagnostic(lineNumber, "traceHeader", $"go={go} is not a Go version; the header is ignored", line);
            return;
        }

        ReasonNumbering numbering = reasons switch
        {
            null => _options.ReasonNumbering,
            "trace" => ReasonNumbering.Trace,
            "wait" => ReasonNumbering.Wait,
            _ => (ReasonNumbering)255,
        };
        if (!ReasonTable.TryFor(numbering, version, out ReasonTable? table))
        {
            AddDiagnostic(lineNumber, "traceHeader", $"no reason table for reasons={reasons} on {version}; the header is ignored", line);
            return;
        }

        _state.Reasons = table;
        ReasonTable.TryFor(ReasonNumbering.Wait, version, out _waitReasons);
        if (_timeline is not null)
        {
            // The timeline stacks the blocking reasons of the table in force: sample with the header's table.
            _timeline = new TimelineRecorder(_options.TimelinePoints, table);
        }
        _traceInfo = new TraceInfo(tracer, os, arch, go, reasons, lineNumber);
    }

    /// <summary>Compares the script's counters with the tables, after the event was applied.</summary>
    private void CheckScriptCounters(in TraceEvent e)
    {
        int live = _state.Live.Count;
        int blocked = _state.Blocked.Count;
        bool agree = (!e.Has(TraceEventFields.ScriptCount) || e.ScriptCount == live)
            && (!e.Has(TraceEventFields.ScriptBlockedCount) || e.ScriptBlockedCount == blocked);
        _scriptChecked++;
        if (!agree)
        {
            _scriptDisagreements++;
            if (_firstDisagreementLine == 0)
            {
                _firstDisagreementLine = e.LineNumber;
            }
        }

        _lastScriptLine = e.LineNumber;
        _lastScriptKind = e.Kind;
        _lastScriptCount = e.Has(TraceEventFields.ScriptCount) ? e.ScriptCount : null;
        _lastScriptBlockedCount = e.Has(TraceEventFields.ScriptBlockedCount) ? e.ScriptBlockedCount : null;
        _lastScriptLive = live;
        _lastScriptBlocked = blocked;
        _lastScriptAgree = agree;
    }
}
