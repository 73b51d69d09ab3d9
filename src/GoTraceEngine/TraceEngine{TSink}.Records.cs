using System.Runtime.CompilerServices;
using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

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

    private long _scriptChecked;
    private long _scriptDisagreements;
    private long _firstDisagreementLine;
    private TraceEvent _lastScriptEvent;
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
            default:
                break;
        }
    }

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

        _lastScriptEvent = e;
        _lastScriptLive = live;
        _lastScriptBlocked = blocked;
        _lastScriptAgree = agree;
    }
}
