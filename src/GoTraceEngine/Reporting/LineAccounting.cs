using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Every line read, counted once: as an event (by kind) or as skipped (by category). The counters are the report's
/// line and event counts, and the metrics read them from another thread while the engine runs.
/// </summary>
internal sealed class LineAccounting
{
    private readonly long[] _lines = new long[ReportNames.CategoryCount];
    private readonly long[] _events = new long[ReportNames.KindCount];
    private long _lineNumber;

    /// <summary>Lines read so far (events and skipped); may be read from another thread.</summary>
    public long LinesRead => Volatile.Read(ref _lineNumber);

    /// <summary>Events applied so far.</summary>
    public long Events => _lines[(int)LineCategory.Event];

    /// <summary>The next line's 1-based number; call once per line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NextLine() => ++_lineNumber;

    /// <summary>Starts counting a part of the input whose first line is <paramref name="lastLine"/> + 1, from zero counts.</summary>
    /// <param name="lastLine">The line number before the part.</param>
    public void Restart(long lastLine)
    {
        Array.Clear(_lines);
        Array.Clear(_events);
        _lineNumber = lastLine;
    }

    /// <summary>Adds the counts of the part of the input that <paramref name="part"/> counted, which follows this one's lines.</summary>
    /// <param name="part">Counts of the lines after this one's last.</param>
    public void Add(LineAccounting part)
    {
        for (int i = 0; i < _lines.Length; i++)
        {
            _lines[i] += part._lines[i];
        }

        for (int i = 0; i < _events.Length; i++)
        {
            _events[i] += part._events[i];
        }

        Volatile.Write(ref _lineNumber, part._lineNumber);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(LineCategory category) => _lines[(int)category]++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(TraceEventKind kind) => _events[(int)kind]++;

    public long Lines(LineCategory category) => (uint)category < (uint)_lines.Length ? Volatile.Read(ref _lines[(int)category]) : 0;

    public long EventsOf(TraceEventKind kind) => (uint)kind < (uint)_events.Length ? Volatile.Read(ref _events[(int)kind]) : 0;

    public LineCounts LineCounts()
    {
        var skipped = new Dictionary<string, long>(_lines.Length);
        long skippedTotal = 0;
        for (int i = 1; i < _lines.Length; i++)
        {
            skipped.Add(ReportNames.Of((LineCategory)i), _lines[i]);
            skippedTotal += _lines[i];
        }

        return new LineCounts { Total = _lineNumber, Events = _lines[(int)LineCategory.Event], Skipped = skippedTotal, SkippedByCategory = skipped };
    }

    public EventCounts EventCounts() => new()
    {
        Create = _events[(int)TraceEventKind.Create],
        Park = _events[(int)TraceEventKind.Park],
        Ready = _events[(int)TraceEventKind.Ready],
        Destroy = _events[(int)TraceEventKind.Destroy],
        Tick = _events[(int)TraceEventKind.Tick],
        End = _events[(int)TraceEventKind.End],
    };
}
