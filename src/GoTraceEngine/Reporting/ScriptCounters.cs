using GoTraceEngine.Parsing;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Compares the script's own <c>count=</c>/<c>blocked_count=</c> with the tables after each line that printed them.
/// The engine never trusts them: they drift when the script misses events or updates them non-atomically.
/// </summary>
internal sealed class ScriptCounters
{
    private long _checked;
    private long _disagreements;
    private long _firstDisagreementLine;
    // The last checked line, as it came: its counters are read as present or not only by Summarize (a check runs for
    // every line of the seed format, and nullable copies of them were a fifth of its instructions).
    private long _lastLine;
    private TraceEventKind _lastKind;
    private TraceEventFields _lastFields;
    private long _lastCount;
    private long _lastBlockedCount;
    private int _lastLive;
    private int _lastBlocked;
    private bool _lastAgree;

    /// <summary>Checks an applied event's counters against the tables' <paramref name="live"/> and <paramref name="blocked"/>.</summary>
    public void Check(in TraceEvent e, int live, int blocked)
    {
        bool agree = (!e.Has(TraceEventFields.ScriptCount) || e.ScriptCount == live)
            && (!e.Has(TraceEventFields.ScriptBlockedCount) || e.ScriptBlockedCount == blocked);
        _checked++;
        if (!agree)
        {
            _disagreements++;
            if (_firstDisagreementLine == 0)
            {
                _firstDisagreementLine = e.LineNumber;
            }
        }

        _lastLine = e.LineNumber;
        _lastKind = e.Kind;
        _lastFields = e.Fields;
        _lastCount = e.ScriptCount;
        _lastBlockedCount = e.ScriptBlockedCount;
        _lastLive = live;
        _lastBlocked = blocked;
        _lastAgree = agree;
    }

    public ScriptCounterCheck Summarize()
    {
        bool present = _checked > 0;
        return new ScriptCounterCheck
        {
            Present = present,
            Checked = _checked,
            Disagreements = _disagreements,
            FirstDisagreementLine = _firstDisagreementLine == 0 ? null : _firstDisagreementLine,
            Line = present ? _lastLine : null,
            Kind = present ? ReportNames.Of(_lastKind) : null,
            Count = (_lastFields & TraceEventFields.ScriptCount) != 0 ? _lastCount : null,
            BlockedCount = (_lastFields & TraceEventFields.ScriptBlockedCount) != 0 ? _lastBlockedCount : null,
            EngineLive = present ? _lastLive : null,
            EngineBlocked = present ? _lastBlocked : null,
            Agree = present ? _lastAgree : null,
        };
    }
}
