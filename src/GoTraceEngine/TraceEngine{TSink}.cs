using System.Runtime.CompilerServices;
using GoTraceEngine.Internal;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine;

/// <summary>
/// Reads tracer output (dtrace or bpftrace text), parses each line into a <see cref="TraceEvent"/>, applies it to the
/// live and blocked goroutine tables and hands it to <typeparamref name="TSink"/>. Produces a
/// <see cref="Reporting.TraceSummary"/> at any point.
/// </summary>
/// <typeparam name="TSink">A struct sink called once per event; the JIT specialises the engine for it.</typeparam>
/// <remarks>
/// <para>Feed bytes with <see cref="Feed"/> (any chunking: lines may straddle chunks) and call <see cref="Complete()"/> at
/// the end of input, or use <see cref="Replay(Stream)"/>, <see cref="ReplayFile"/> or <see cref="ReplayAsync(System.IO.Pipelines.PipeReader, CancellationToken)"/>.</para>
/// <para>Buffer lifetimes: the engine never keeps a reference to the bytes it is given; events carry no references.
/// Threading: single writer. Feed from one thread at a time and read views and summaries between feeds.</para>
/// <para>After warm-up (first table growth) the per-line path allocates nothing.</para>
/// </remarks>
/// <example><code>
/// var engine = new TraceEngine();
/// engine.ReplayFile("trace.txt");
/// TraceSummary summary = engine.GetSummary();
/// Console.WriteLine($"{summary.Blocked} blocked, {summary.Leaks.Count} leak suspects");
/// </code></example>
public partial class TraceEngine<TSink>
    where TSink : struct, ITraceSink
{
    private const int KindCount = (int)TraceEventKind.End + 1;
    private const int CategoryCount = (int)LineCategory.ProgramOutput + 1;

    private readonly TraceEngineOptions _options;
    private readonly GoroutineState _state;
    private readonly NameTable _names = new();
    private TimelineRecorder? _timeline;
    private readonly long[] _eventCounts = new long[KindCount];
    private readonly long[] _lineCounts = new long[CategoryCount];
    private TSink _sink;
    private long _lineNumber;
    private bool _completed;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Settings; <c>default</c> for the documented defaults.</param>
    /// <param name="sink">The sink that sees every event.</param>
    /// <exception cref="ArgumentException">No reason table is known for the options' numbering and Go version.</exception>
    public TraceEngine(TraceEngineOptions options, TSink sink)
    {
        _options = options;
        _sink = sink;
        ReasonNumbering numbering = options.ReasonNumbering;
        GoVersion version = options.GoVersion;
        if (!ReasonTable.TryFor(numbering, version, out ReasonTable? reasons))
        {
            throw new ArgumentException($"No {numbering} reason table is known for {version}.", nameof(options));
        }

        _state = new GoroutineState(reasons, options.InitialCapacity, options.MaxGoroutines);
        ReasonTable.TryFor(ReasonNumbering.Wait, version, out _waitReasons);
        _maxLineLength = options.MaxLineLength;
        _timeline = options.TimelinePoints > 0 ? new TimelineRecorder(options.TimelinePoints, reasons) : null;
        _window = (long)(options.ReorderWindow.Ticks * 100L);
    }

    /// <summary>The tables and their counters, for <see cref="TraceEngineMetrics"/>.</summary>
    internal GoroutineState State => _state;

    /// <summary>The settings this engine runs with.</summary>
    public TraceEngineOptions Options => _options;

    /// <summary>The sink, by reference, to read what it gathered.</summary>
    public ref TSink Sink => ref _sink;

    /// <summary>Goroutines created and not yet destroyed.</summary>
    public LiveGoroutines Live => new(_state.Live);

    /// <summary>Live goroutines parked with a blocking reason.</summary>
    public BlockedGoroutines Blocked => new(_state.Blocked);

    /// <summary>The numbering <c>reason=</c> codes are read in (a trace header can change it).</summary>
    public ReasonTable Reasons => _state.Reasons;

    /// <summary>The waitReason table for <c>wait=</c> codes, when one is known for the Go version.</summary>
    public ReasonTable? WaitReasons => _waitReasons;

    /// <summary>The name behind a function id of <see cref="TraceEvent.StartFunction"/> or <see cref="TraceEvent.Creator"/>.</summary>
    /// <param name="id">The id; 0 means no name.</param>
    /// <returns>The function name, or an empty string for 0.</returns>
    public string GetFunctionName(int id) => _names.GetName(id);

    /// <summary>Lines read so far (events and skipped).</summary>
    public long LinesRead => _lineNumber;

    /// <summary>Events applied so far.</summary>
    public long EventsRead => _lineCounts[(int)LineCategory.Event];

    /// <summary>Whether <see cref="Complete()"/> was called.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Lines read so far in <paramref name="category"/>.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The count.</returns>
    public long GetLineCount(LineCategory category) => (uint)category < CategoryCount ? _lineCounts[(int)category] : 0;

    /// <summary>Events applied so far of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The count.</returns>
    public long GetEventCount(TraceEventKind kind) => (uint)kind < KindCount ? _eventCounts[(int)kind] : 0;

    /// <summary>Parses, counts and applies one complete line (without its <c>\n</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        long lineNumber = ++_lineNumber;
        LineCategory category = DTraceLineParser.Parse(line, lineNumber, _names, out TraceEvent e, out ParseFailure failure);
        _lineCounts[(int)category]++;
        if (category == LineCategory.Event)
        {
            if (failure != ParseFailure.None)
            {
                RecordDroppedField(line, lineNumber, failure);
            }

            _eventCounts[(int)e.Kind]++;
            if ((e.Fields & TraceEventFields.Timestamp) != 0)
            {
                OnTimedEvent(in e);
            }
            else if (_reorder.Count == 0)
            {
                Apply(in e);
            }
            else
            {
                // An untimed line among timed ones (a tick, END): it goes after everything seen so far.
                _reorder.Push(e.WithTimestamp(_lastTimestamp));
            }
        }
        else if (category is LineCategory.Malformed or LineCategory.DataLoss or LineCategory.ProbeError
            or LineCategory.TracerFatal or LineCategory.TraceHeader)
        {
            Record(category, line, lineNumber, failure);
        }
    }

    /// <summary>Applies an event to the tables, checks the script's counters, and hands it to the sink.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Apply(in TraceEvent e)
    {
        _state.Apply(in e);
        _timeline?.Observe(_hasTimestamps ? e.Timestamp : e.LineNumber, _state);
        if ((e.Fields & (TraceEventFields.ScriptCount | TraceEventFields.ScriptBlockedCount)) != 0)
        {
            CheckScriptCounters(in e);
        }

        _sink.OnEvent(in e);
    }

    /// <summary>Counts a line longer than <see cref="TraceEngineOptions.MaxLineLength"/>; its bytes were never buffered.</summary>
    private void ProcessTooLong(long length)
    {
        long lineNumber = ++_lineNumber;
        _lineCounts[(int)LineCategory.TooLong]++;
        AddDiagnostic(lineNumber, "tooLong", string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"line of {length} bytes is longer than the maximum of {_maxLineLength}"), ReadOnlySpan<byte>.Empty);
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            ThrowHelper.ThrowInvalidOperation_Completed();
        }
    }
}
