using System.Runtime.CompilerServices;
using GoTraceEngine.Internal;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
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
/// <para>The engine wires stage types and owns none of their work: a line travels <see cref="LineFramer"/> (cut into
/// lines) → <see cref="TraceLineParser"/> (one line into a <see cref="TraceEvent"/>, or a category) →
/// <see cref="LineAccounting"/> (counted) → <see cref="EventOrderer"/> (put in time order) → the goroutine tables
/// (applied) → the sink; <see cref="SummaryBuilder"/> reads the stages into a report.</para>
/// <para>Feed bytes with <see cref="Feed"/> (any chunking: lines may straddle chunks) and call <see cref="Complete()"/> at
/// the end of input, or use <see cref="Replay(Stream)"/>, <see cref="ReplayFile"/> or <see cref="ReplayAsync(System.IO.Pipelines.PipeReader, CancellationToken)"/>.</para>
/// <para>Buffer lifetimes: the engine never keeps a reference to the bytes it is given; events carry no references.
/// Threading: single writer. Feed from one thread at a time and read views and summaries between feeds. A whole-input
/// replay may apply events on a second thread of its own (<see cref="TraceEngineOptions.Parallelism"/>); it has ended
/// it, or waited for it, before a heartbeat runs and when the replay returns or throws.</para>
/// <para>After warm-up (first table growth) the per-line path allocates nothing.</para>
/// <para>Memory: on Linux the goroutine tables live in native memory (about 75 bytes per live goroutine, in huge
/// pages), reported to the GC as memory pressure while held. <see cref="Dispose()"/> gives it back at once; an engine
/// that is not disposed gives it back when it is collected.</para>
/// </remarks>
/// <example><code>
/// using var engine = new TraceEngine();
/// engine.ReplayFile("trace.txt");
/// TraceSummary summary = engine.GetSummary();
/// Console.WriteLine($"{summary.Blocked} blocked, {summary.Leaks.Count} leak suspects");
/// </code></example>
public partial class TraceEngine<TSink> : IDisposable
    where TSink : struct, ITraceSink
{
    private readonly TraceEngineOptions _options;
    private LineFramer _framer;
    private PrefetchRing _ring;
    private readonly NameTable _names;
    private readonly LineAccounting _accounting = new();
    private readonly TraceMessages _messages;
    private readonly EventOrderer _orderer;
    private readonly GoroutineState _state;
    private readonly ScriptCounters _scriptCounters = new();
    private readonly GoNames _goNames = new();
    private readonly List<(IncompleteReason Reason, string? Detail)> _endedEarly = [];
    private readonly GoroutineView<GoroutineRecord> _live;
    private readonly GoroutineView<BlockedGoroutine> _blocked;
    private ReasonTable? _waitReasons;
    private TraceInfo? _traceInfo;
    private ProgramExit? _programExit;

    /// <summary>The tracer's stop (<c># tracer stopped ts=N</c>): events stamped after it are counted in <see cref="_afterStop"/>, not applied.</summary>
    private long _stopAt = long.MaxValue;
    private long _afterStop;
    private TimelineRecorder? _timeline;
    private TSink _sink;
    private bool _endedMidLine;
    private bool _completed;

    /// <summary>
    /// Calls in progress that use the tables (input, a report) in the low bits, and <see cref="DisposedBit"/> once
    /// <see cref="Dispose()"/> was called: the tables are given back by Dispose, or by the last of those calls to end.
    /// </summary>
    private int _use;

    private const int DisposedBit = 1 << 30;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Settings; <c>default</c> for the documented defaults.</param>
    /// <param name="sink">The sink that sees every event.</param>
    /// <exception cref="ArgumentException">No reason table is known for the options' numbering and Go version.</exception>
    public TraceEngine(TraceEngineOptions options, TSink sink)
    {
        if (!ReasonTable.TryFor(options.ReasonNumbering, options.GoVersion, out ReasonTable? reasons))
        {
            throw new ArgumentException($"No {options.ReasonNumbering} reason table is known for {options.GoVersion}.", nameof(options));
        }

        _options = options;
        _sink = sink;
        _names = new NameTable(options.NameCap > 0 ? options.NameCap : NameTable.MaxNames);
        _framer = new LineFramer(options.MaxLineLength);
        _messages = new TraceMessages(options.MaxWarnings, options.MaxDiagnostics);
        _orderer = new EventOrderer(options.ReorderWindow, options.MaxClockJump, options.MaxPendingEvents);
        _state = new GoroutineState(reasons, options.InitialCapacity, options.MaxGoroutines, options.Verdict)
        {
            UnsettledTailNs = options.ReorderWindow.Ticks * 100L,
        };

        // The verdict's groups of one function across go statements are named as reports name start functions.
        _state.Verdict.StartFunctionName = id => _goNames.StartFunction(_names.GetName(id)).Function;
        _live = new(new TableReader<LiveValue, GoroutineRecord>(_state.Live));
        _blocked = new(new TableReader<BlockedValue, BlockedGoroutine>(_state.Blocked));
        ReasonTable.TryFor(ReasonNumbering.Wait, options.GoVersion, out _waitReasons);
        _timeline = options.TimelinePoints > 0 ? new TimelineRecorder(options.TimelinePoints, reasons) : null;
    }

    /// <summary>The tables and their counters, for <see cref="TraceEngineMetrics"/>.</summary>
    internal GoroutineState State => _state;

    /// <summary>The trace's symbol lines: Go-native names for the report and the dashboard.</summary>
    internal GoNames GoNames => _goNames;

    /// <summary>The interned names.</summary>
    internal NameTable Names => _names;

    /// <summary>The settings this engine runs with.</summary>
    public TraceEngineOptions Options => _options;

    /// <summary>The sink, by reference, to read what it gathered.</summary>
    public ref TSink Sink => ref _sink;

    /// <summary>Goroutines created and not yet destroyed.</summary>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public GoroutineView<GoroutineRecord> Live
    {
        get
        {
            ThrowIfDisposed();
            return _live;
        }
    }

    /// <summary>Live goroutines parked with a blocking reason.</summary>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public GoroutineView<BlockedGoroutine> Blocked
    {
        get
        {
            ThrowIfDisposed();
            return _blocked;
        }
    }

    /// <summary>Blocked goroutines per reason, kept per event: reading it does not walk the table.</summary>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public BlockedReasonCounts BlockedByReason
    {
        get
        {
            ThrowIfDisposed();
            return new(_state);
        }
    }

    /// <summary>The numbering <c>reason=</c> codes are read in (a trace header can change it).</summary>
    public ReasonTable Reasons => _state.Reasons;

    /// <summary>The waitReason table for <c>wait=</c> codes, when one is known for the Go version.</summary>
    public ReasonTable? WaitReasons => _waitReasons;

    /// <summary>The name behind a function id of <see cref="TraceEvent.StartFunction"/> or <see cref="TraceEvent.Creator"/>.</summary>
    /// <param name="id">The id; 0 means no name.</param>
    /// <returns>The function name, or an empty string for 0.</returns>
    public string GetFunctionName(int id) => _names.GetName(_state.Sites.NameOf(id));

    /// <summary>Lines read so far (events and skipped); may be read from another thread to show progress.</summary>
    public long LinesRead => _accounting.LinesRead;

    /// <summary>Events applied so far.</summary>
    public long EventsRead => _accounting.Events;

    /// <summary>Bytes fed so far; may be read from another thread to show progress.</summary>
    public long BytesRead => _framer.BytesRead;

    /// <summary>Whether <see cref="Complete()"/> was called.</summary>
    public bool IsCompleted => _completed;

    /// <summary>The latest <c>ts=</c> read so far (0 without timestamps): the trace's "now".</summary>
    public long LatestTimestamp => _orderer.LatestTimestamp;

    /// <summary>Events that arrived later than the reorder window (applied at once, out of order, unless stale).</summary>
    public long LateEvents => _orderer.LateEvents;

    /// <summary>Timestamped events held for reordering, not yet applied.</summary>
    public int PendingEvents => _orderer.PendingEvents;

    /// <summary>Lines read so far in <paramref name="category"/>.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The count.</returns>
    public long GetLineCount(LineCategory category) => _accounting.Lines(category);

    /// <summary>Events applied so far of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The count.</returns>
    public long GetEventCount(TraceEventKind kind) => _accounting.EventsOf(kind);

    /// <summary>Feeds a chunk of tracer output. Lines may be split across chunks at any byte.</summary>
    /// <param name="data">The next bytes of input; not kept after the call returns.</param>
    /// <exception cref="InvalidOperationException"><see cref="Complete()"/> was already called.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public void Feed(ReadOnlySpan<byte> data)
    {
        EnterUse();
        try
        {
            if (_completed)
            {
                ThrowHelper.ThrowInvalidOperation_Completed();
            }

            var handler = new LineHandler(this);
            _framer.Feed(ref handler, data);

            // Between feeds the tables are read (views, summaries, the dashboard): nothing due stays held.
            MakeCurrent();
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>Ends the input: a last line without <c>\n</c> is processed, held events are applied. Further feeding throws.</summary>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public void Complete()
    {
        EnterUse();
        try
        {
            if (_completed)
            {
                return;
            }

            var handler = new LineHandler(this);

            // A last line with no newline is processed, and the report says the input may have been cut.
            _endedMidLine = _framer.Complete(ref handler);
            var applier = new Applier(this);
            _orderer.Drain(ref applier);
            FlushRing();
            _completed = true;
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>
    /// Ends the input early (the reader was cancelled, the tracer failed): what was read is applied, and the report is
    /// marked incomplete with <paramref name="reason"/>.
    /// </summary>
    /// <param name="reason">Why the input ended.</param>
    /// <param name="detail">Words for the report, replacing the reason's own (<c>bpftrace exited with code 1</c>), or null.</param>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public void Complete(IncompleteReason reason, string? detail = null)
    {
        ThrowIfDisposed();
        _endedEarly.Add((reason, detail));
        Complete();
    }

    /// <summary>Builds the report of everything read so far. Can be called at any time; allocates.</summary>
    /// <returns>An immutable snapshot.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public TraceSummary GetSummary()
    {
        EnterUse();
        try
        {
            return SummaryBuilder.Build(new EngineReadout(
                _options, _state, _names, _goNames, _accounting, _orderer, _messages, _scriptCounters, _traceInfo, _programExit,
                new TracerStop(_stopAt == long.MaxValue ? null : _stopAt, _afterStop), _waitReasons,
                _completed, _endedMidLine, _endedEarly));
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>
    /// Live and blocked goroutines over the trace (sampled when <see cref="TraceEngineOptions.TimelinePoints"/> is
    /// above 0), with each leak group's first appearance marked.
    /// </summary>
    /// <returns>The timeline; empty when sampling is off.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public Timeline GetTimeline()
    {
        EnterUse();
        try
        {
            return TimelineBuilder.Build(GetSummary(), _timeline, _state, _orderer, _accounting.LinesRead);
        }
        finally
        {
            ExitUse();
        }
    }

    /// <summary>
    /// Gives the goroutine tables' memory back (on Linux native memory, about 75 bytes per live goroutine) now, rather
    /// than when the engine is collected. Afterwards the input methods, the views and the reports throw
    /// <see cref="ObjectDisposedException"/>; the counters stay readable, events still held for reordering are not
    /// applied, and a view taken before finds its table empty. Called while a feed, a replay or a report runs (from
    /// its sink or heartbeat, or another thread), it lets that call end with the tables intact (a replay may stop early
    /// with <see cref="ObjectDisposedException"/>), and the memory goes back when it returns. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Gives the tables back when <paramref name="disposing"/> (see <see cref="Dispose()"/>).</summary>
    /// <param name="disposing">Whether <see cref="Dispose()"/> called it; the engine has no finalizer of its own.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        while (true)
        {
            int use = Volatile.Read(ref _use);
            if ((use & DisposedBit) != 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _use, use | DisposedBit, use) == use)
            {
                if (use == 0)
                {
                    ReleaseTables();
                }

                return;
            }
        }
    }

    /// <summary>Starts a call that uses the tables (input, a report); throws once the engine is disposed. End it with <see cref="ExitUse"/>.</summary>
    internal void EnterUse()
    {
        while (true)
        {
            int use = Volatile.Read(ref _use);
            if ((use & DisposedBit) != 0)
            {
                ThrowDisposed();
            }

            if (Interlocked.CompareExchange(ref _use, use + 1, use) == use)
            {
                return;
            }
        }
    }

    /// <summary>Ends a call <see cref="EnterUse"/> started; the last one to end after <see cref="Dispose()"/> gives the tables back.</summary>
    internal void ExitUse()
    {
        if (Interlocked.Decrement(ref _use) == DisposedBit)
        {
            ReleaseTables();
        }
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once <see cref="Dispose()"/> was called.</summary>
    internal void ThrowIfDisposed()
    {
        if ((Volatile.Read(ref _use) & DisposedBit) != 0)
        {
            ThrowDisposed();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name);

    /// <summary>Once, when disposed and no call uses them: the tables' memory goes back.</summary>
    private void ReleaseTables()
    {
        _completed = true;
        _state.ReleaseTables();
    }

    /// <summary>Parses, counts and applies one complete line (without its <c>\n</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        long lineNumber = _accounting.NextLine();
        LineCategory category = TraceLineParser.Parse(line, lineNumber, _names, out TraceEvent e, out ParseFailure failure);
        _accounting.Count(category);
        if (category == LineCategory.Event)
        {
            if (failure != ParseFailure.None)
            {
                RecordDroppedField(line, lineNumber, failure);
            }

            _accounting.Count(e.Kind);
            var applier = new Applier(this);
            _orderer.Push(in e, ref applier);
        }
        else if (IsRareLine(category))
        {
            Record(category, line, lineNumber, failure);
        }
    }

    /// <summary>The categories of non-event lines <see cref="Record"/> acts on (on one thread, or from a batch on the apply thread).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsRareLine(LineCategory category) =>
        category is LineCategory.Malformed or LineCategory.DataLoss or LineCategory.ProbeError
            or LineCategory.TracerFatal or LineCategory.TraceHeader or LineCategory.TracerMessage or LineCategory.Symbol;

    /// <summary>Applies an event to the tables, checks the script's counters, and hands it to the sink.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Apply(in TraceEvent e)
    {
        _state.Apply(in e);
        _timeline?.Observe(_orderer.HasTimestamps ? e.Timestamp : e.LineNumber, _state);
        if ((e.Fields & (TraceEventFields.ScriptCount | TraceEventFields.ScriptBlockedCount)) != 0)
        {
            _scriptCounters.Check(in e, _state.Live.Count, _state.Blocked.Count);
        }

        _sink.OnEvent(in e);
    }

    /// <summary>Counts a line longer than <see cref="TraceEngineOptions.MaxLineLength"/>; its bytes were never buffered.</summary>
    private void ProcessTooLong(long length)
    {
        ReleaseDue();
        long lineNumber = _accounting.NextLine();
        _accounting.Count(LineCategory.TooLong);
        DiagnoseTooLong(lineNumber, length);
    }

    /// <summary>The diagnostic of a too-long line.</summary>
    private void DiagnoseTooLong(long lineNumber, long length) =>
        _messages.Diagnose(DiagnosticKind.TooLong, lineNumber, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"line of {length} bytes is longer than the maximum of {_options.MaxLineLength}"), ReadOnlySpan<byte>.Empty);

    /// <summary>An event whose optional field could not be read: applied without it, with a diagnostic.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordDroppedField(ReadOnlySpan<byte> line, long lineNumber, ParseFailure failure) =>
        _messages.Diagnose(DiagnosticKind.Field, lineNumber, ParseFailureText.Describe(failure) + "; the event was applied without it", line);

    /// <summary>The rare lines: warnings, malformed lines, and the trace header.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Record(LineCategory category, ReadOnlySpan<byte> line, long lineNumber, ParseFailure failure)
    {
        // A rare line may change how later events apply (a header, the tracer's stop): what was due before it goes first.
        ReleaseDue();
        RecordReleased(category, line, lineNumber, failure);
    }

    /// <summary><see cref="Record"/> once what was due before the line is released: the orderer is not touched.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordReleased(LineCategory category, ReadOnlySpan<byte> line, long lineNumber, ParseFailure failure)
    {
        switch (category)
        {
            case LineCategory.Malformed:
                _messages.Diagnose(DiagnosticKind.Malformed, lineNumber, ParseFailureText.Describe(failure), line);
                break;
            case LineCategory.DataLoss:
                _messages.Warn(WarningKind.DataLoss, lineNumber, line);
                break;
            case LineCategory.ProbeError:
                _messages.Warn(WarningKind.ProbeError, lineNumber, line);
                break;
            case LineCategory.TracerFatal:
                _messages.Warn(WarningKind.TracerFatal, lineNumber, line);
                break;
            case LineCategory.TraceHeader:
                // The events before the header were read with the tables it replaces.
                FlushRing();
                ApplyHeader(line, lineNumber);
                break;
            case LineCategory.TracerMessage:
                // A note changes how later events apply (the tracer's stop, the program's exit): the events before it go first.
                FlushRing();
                RecordTracerNote(line);
                break;
            case LineCategory.Symbol:
                FlushRing();
                _goNames.Add(line);
                _state.Verdict.OnNamesChanged();
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// <c># exit code=N</c> and <c># exit signal=N ts=T</c>, which the bundled scripts print when the program ends, and
    /// <c># tracer stopped ts=N</c>, which <c>gotrace trace</c> writes when it stops the tracer.
    /// </summary>
    private void RecordTracerNote(ReadOnlySpan<byte> line)
    {
        if (TryReadNote(line, "# tracer stopped ts="u8, out long stopAt, out _) && stopAt > 0)
        {
            _stopAt = Math.Min(_stopAt, stopAt);
        }
        else if (TryReadNote(line, "# exit code="u8, out long code, out _) && code is >= int.MinValue and <= int.MaxValue)
        {
            _programExit = (_programExit ?? new ProgramExit()) with { Code = (int)code };
        }
        else if (TryReadNote(line, "# exit signal="u8, out long signal, out long killedAt) && signal is >= int.MinValue and <= int.MaxValue)
        {
            _programExit = (_programExit ?? new ProgramExit()) with { Signal = (int)signal };
            if (killedAt > 0)
            {
                _state.ProgramKilledAt = killedAt;
            }
        }

        UpdateEndMeaning();
    }

    /// <summary>
    /// A note <c>PREFIX N</c>, or <c>PREFIX N ts=T</c> (the bundled scripts stamp the kill's time), whose whole rest (but
    /// line-end whitespace) is the number <paramref name="value"/> and the optional <paramref name="timestamp"/> (0 without).
    /// </summary>
    private static bool TryReadNote(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix, out long value, out long timestamp)
    {
        value = 0;
        timestamp = 0;
        if (!line.StartsWith(prefix))
        {
            return false;
        }

        ReadOnlySpan<byte> text = line[prefix.Length..].Trim("\r \t"u8);
        if (!System.Buffers.Text.Utf8Parser.TryParse(text, out value, out int read))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = text[read..];
        return rest.IsEmpty
            || (rest.StartsWith(" ts="u8) && System.Buffers.Text.Utf8Parser.TryParse(rest[" ts=".Length..], out timestamp, out int stamped)
                && stamped == rest.Length - " ts=".Length);
    }

    /// <summary>
    /// Whether the end record is silence in the program: the bundled scripts (a <c># gotrace</c> header) print the
    /// program's exit before their end, so without one the end is only the tracer stopping (a timed attach, Ctrl-C).
    /// A program a signal killed (Ctrl-C, a timeout's SIGINT or SIGTERM, SIGKILL) did not go quiet either: it was
    /// stopped while it ran, and what follows its death is the tracer stopping. Its silence counts up to the kill,
    /// when the note gives its time (<see cref="GoroutineState.ProgramKilledAt"/>).
    /// </summary>
    private void UpdateEndMeaning() => _state.TraceEndIsProgramSilence = _traceInfo is null || _programExit is { Signal: null };

    /// <summary>
    /// <c># gotrace tracer=bpftrace os=linux arch=amd64 go=go1.19.8 reasons=trace</c>: names the tracer and selects the
    /// reason tables for the Go version and numbering it declares, from this line on.
    /// </summary>
    private void ApplyHeader(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (!TraceHeaderParser.TryParse(line, out TraceHeader header))
        {
            return;
        }

        string? tracer = Text(header, TraceHeaderKeys.Tracer, header.Tracer);
        string? os = Text(header, TraceHeaderKeys.Os, header.Os);
        string? arch = Text(header, TraceHeaderKeys.Arch, header.Arch);
        string? go = Text(header, TraceHeaderKeys.Go, header.Go);
        string? reasons = Text(header, TraceHeaderKeys.Reasons, header.Reasons);
        GoVersion version = _options.GoVersion;
        if (go is not null && !GoVersion.TryParse(go, out version))
        {
            _messages.Diagnose(DiagnosticKind.TraceHeader, lineNumber, $"go={go} is not a Go version; the header is ignored", line);
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
            _messages.Diagnose(DiagnosticKind.TraceHeader, lineNumber, $"no reason table for reasons={reasons} on {version}; the header is ignored", line);
            return;
        }

        _state.Reasons = table;
        ReasonTable.TryFor(ReasonNumbering.Wait, version, out _waitReasons);
        if (_timeline is not null)
        {
            // The timeline stacks the blocking reasons of the table in force: sample with the header's table.
            _timeline = new TimelineRecorder(_options.TimelinePoints, table);
        }

        _traceInfo = new TraceInfo { Tracer = tracer, Os = os, Arch = arch, GoVersion = go, Reasons = reasons, Line = lineNumber };
        UpdateEndMeaning();
    }

    private static string? Text(in TraceHeader header, TraceHeaderKeys key, ReadOnlySpan<byte> value) =>
        header.Has(key) ? System.Text.Encoding.UTF8.GetString(value) : null;

    /// <summary>The framer's line callback: a direct call into the engine.</summary>
    private readonly struct LineHandler(TraceEngine<TSink> engine) : ILineHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnLine(ReadOnlySpan<byte> line) => engine.ProcessLine(line);

        public void OnTooLong(long length) => engine.ProcessTooLong(length);
    }

    /// <summary>Applies what the orderer holds past its window (see <see cref="EventOrderer.ReleaseDue"/>).</summary>
    private void ReleaseDue()
    {
        var applier = new Applier(this);
        _orderer.ReleaseDue(ref applier);
    }

    /// <summary>Brings the tables up to everything read: what is due in the orderer, then the prefetch ring.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MakeCurrent()
    {
        ReleaseDue();
        FlushRing();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FlushRing()
    {
        if (_ring.Count > 0)
        {
            var applier = new Applier(this);
            _ring.Flush(ref applier);
        }
    }

    /// <summary>
    /// A late event, judged against its goroutine's state after everything before it: applied, or, older than that
    /// state, counted as stale and diagnosed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ApplyLate(in TraceEvent e)
    {
        FlushRing();
        if (_state.IsStale(in e))
        {
            _orderer.CountStale();
            _messages.Diagnose(DiagnosticKind.Stale, e.LineNumber, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ts={e.Timestamp} arrived after later events of its goroutine were applied: not applied"), ReadOnlySpan<byte>.Empty);
            return;
        }

        ApplyUnlessStopped(in e);
    }

    /// <summary>
    /// Applies an event now, past the prefetch ring (whose events, if any, must have gone first): counted instead when it
    /// is stamped after the tracer's stop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ApplyUnlessStopped(in TraceEvent e)
    {
        if (!CountedAfterStop(in e))
        {
            Apply(in e);
        }
    }

    /// <summary>Whether <paramref name="e"/> is stamped after the tracer's stop, and so only counted, not applied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CountedAfterStop(in TraceEvent e)
    {
        if (e.Timestamp > _stopAt)
        {
            // After the tracer's stop its probes were detaching: some kinds of event no longer arrive.
            _afterStop++;
            return true;
        }

        return false;
    }

    /// <summary>The orderer's and the prefetch ring's event callback: direct calls into the engine.</summary>
    private readonly struct Applier(TraceEngine<TSink> engine) : IEventApplier, IEventSink
    {
        /// <summary>From the orderer, in time order: into the prefetch ring, which applies it a few events later.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(in TraceEvent e)
        {
            if (!engine.CountedAfterStop(in e))
            {
                Applier self = this;
                engine._ring.Push(in e, engine._state, ref self);
            }
        }

        /// <summary>From the ring: to the tables now.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void ApplyNow(in TraceEvent e) => engine.Apply(in e);

        public void ApplyLate(in TraceEvent e) => engine.ApplyLate(in e);

        public void Diagnose(DiagnosticKind kind, long lineNumber, string message) =>
            engine._messages.Diagnose(kind, lineNumber, message, ReadOnlySpan<byte>.Empty);
    }
}
