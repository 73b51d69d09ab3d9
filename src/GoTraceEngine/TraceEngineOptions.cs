using GoTraceEngine.State;

namespace GoTraceEngine;

/// <summary>
/// Settings of a <see cref="TraceEngine{TSink}"/>. A value type configured with <c>with</c>; <c>default</c> gives the
/// documented defaults.
/// </summary>
/// <example><code>var options = new TraceEngineOptions { MaxLineLength = 1 &lt;&lt; 20 };</code></example>
public readonly record struct TraceEngineOptions
{
    /// <summary>Default of <see cref="MaxLineLength"/>: 64 KiB.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    /// <summary>Default of <see cref="ReadBufferSize"/>: 1 MiB.</summary>
    public const int DefaultReadBufferSize = 1024 * 1024;

    /// <summary>Default of <see cref="MaxWarnings"/> and <see cref="MaxDiagnostics"/>.</summary>
    public const int DefaultMaxMessages = 100;

    /// <summary>Default of <see cref="InitialCapacity"/>.</summary>
    public const int DefaultInitialCapacity = 1024;

    private readonly int _maxLineLength;
    private readonly int _readBufferSize;
    private readonly int _maxWarnings;
    private readonly int _maxDiagnostics;
    private readonly int _initialCapacity;
    private readonly int _maxPendingEvents;
    private readonly int _maxGoroutines;

    /// <summary>Default of <see cref="MaxGoroutines"/>: 4 Mi live goroutines (about 400 MiB of tables at most).</summary>
    public const int DefaultMaxGoroutines = 4 << 20;

    /// <summary>Default of <see cref="MaxPendingEvents"/>: 1 Mi events (about 90 MiB).</summary>
    public const int DefaultMaxPendingEvents = 1 << 20;
    private readonly GoVersion? _goVersion;
    private readonly TimeSpan? _reorderWindow;
    private readonly TimeSpan? _maxClockJump;

    /// <summary>Default of <see cref="MaxClockJump"/>: 1 h.</summary>
    public static TimeSpan DefaultMaxClockJump { get; } = TimeSpan.FromHours(1);

    /// <summary>Default of <see cref="ReorderWindow"/>: 2 s, twice dtrace's default switch rate and bpftrace's drain interval.</summary>
    public static TimeSpan DefaultReorderWindow { get; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest line, in bytes without its <c>\n</c>, that is parsed (default 64 KiB). A longer line is skipped and
    /// counted as <see cref="Parsing.LineCategory.TooLong"/> without being buffered, so memory stays bounded however long it is.
    /// </summary>
    public int MaxLineLength { get => _maxLineLength > 0 ? _maxLineLength : DefaultMaxLineLength; init => _maxLineLength = value; }

    /// <summary>The size of each read from a stream or file (default 1 MiB).</summary>
    public int ReadBufferSize { get => _readBufferSize > 0 ? _readBufferSize : DefaultReadBufferSize; init => _readBufferSize = value; }

    /// <summary>How many warnings (data loss, probe errors) the report keeps verbatim (default 100); all are counted.</summary>
    public int MaxWarnings { get => _maxWarnings > 0 ? _maxWarnings : DefaultMaxMessages; init => _maxWarnings = value; }

    /// <summary>How many diagnostics (malformed and too-long lines) the report keeps verbatim (default 100); all are counted.</summary>
    public int MaxDiagnostics { get => _maxDiagnostics > 0 ? _maxDiagnostics : DefaultMaxMessages; init => _maxDiagnostics = value; }

    /// <summary>The initial capacity of each goroutine table (default 1024); tables grow as needed.</summary>
    public int InitialCapacity { get => _initialCapacity > 0 ? _initialCapacity : DefaultInitialCapacity; init => _initialCapacity = value; }

    /// <summary>
    /// The traced program's Go version when the trace has no <c># gotrace</c> header (default go1.22): it selects the
    /// reason tables. A header overrides it.
    /// </summary>
    public GoVersion GoVersion { get => _goVersion ?? GoVersion.Default; init => _goVersion = value; }

    /// <summary>What <c>reason=</c> carries when the trace has no header (default <see cref="ReasonNumbering.Trace"/>).</summary>
    public ReasonNumbering ReasonNumbering { get; init; }

    /// <summary>
    /// How far back in trace time an event may arrive and still be put in order (default 2 s). Events with <c>ts=</c>
    /// are held this long before they reach the tables; one that arrives later than that is counted as late and
    /// applied at once. <see cref="TimeSpan.Zero"/> applies events in arrival order.
    /// </summary>
    public TimeSpan ReorderWindow { get => _reorderWindow ?? DefaultReorderWindow; init => _reorderWindow = value < TimeSpan.Zero ? TimeSpan.Zero : value; }

    /// <summary>
    /// How far a timestamp may be from the trace's running clock (the latest <c>ts=</c>) and still be trusted (default
    /// 1 h). A timestamp further ahead or behind, or a negative one, is a corrupt value: the event gets a
    /// <c>clock</c> diagnostic and is applied in arrival order without moving the clock, so one bad line cannot make
    /// every later event late.
    /// </summary>
    public TimeSpan MaxClockJump { get => _maxClockJump ?? DefaultMaxClockJump; init => _maxClockJump = value <= TimeSpan.Zero ? null : value; }

    /// <summary>
    /// The most timestamped events held for reordering (default 1 Mi). When a burst fills the window past this, the
    /// oldest are applied early (counted as <c>timing.overflowReleases</c>), so memory stays bounded.
    /// </summary>
    public int MaxPendingEvents { get => _maxPendingEvents > 0 ? _maxPendingEvents : DefaultMaxPendingEvents; init => _maxPendingEvents = value; }

    /// <summary>
    /// The most live goroutines tracked (default 4 Mi). Past it, creates of new g pointers are counted and not
    /// tracked, with a warning, so that a trace of 100 M distinct g pointers cannot exhaust memory.
    /// </summary>
    public int MaxGoroutines { get => _maxGoroutines > 0 ? _maxGoroutines : DefaultMaxGoroutines; init => _maxGoroutines = value; }

    /// <summary>
    /// When above 0, the engine samples live and blocked-by-reason counts at up to this many points over the trace,
    /// for <see cref="TraceEngine{TSink}.GetTimeline"/> (default 0: off; <c>gotrace replay --timeline</c> uses 2000).
    /// </summary>
    public int TimelinePoints { get; init; }

    /// <summary>
    /// Bytes read before <see cref="ReplayParallelism.Auto"/> starts a second thread: 4 MiB (some 10 ms of work for one
    /// core; below it the thread and its buffers cost more than the second core gives back).
    /// </summary>
    public const long AutoSecondThreadBytes = 4L << 20;

    /// <summary>
    /// Whether a whole-input replay uses a second core (default <see cref="ReplayParallelism.Auto"/>: both threads
    /// parse once the input is big, when there is more than one processor). The reports are identical either way; <see cref="TraceEngine{TSink}.Feed"/> is always single-threaded.
    /// </summary>
    public ReplayParallelism Parallelism { get; init; }

    /// <summary>The leak verdict's constants (<c>default</c>: the documented ones). Internal: for tests that probe the verdict.</summary>
    internal Verdict.VerdictOptions Verdict { get; init; }

    /// <summary>The cap on distinct function names (0: <see cref="Parsing.NameTable.MaxNames"/>). Internal: for tests that reach it.</summary>
    internal int NameCap { get; init; }

    /// <summary>
    /// A floor under the verdict: a goroutine is a leak only when it has been blocked at least this long at the end of
    /// the trace (default 0: the verdict alone decides); one blocked for less is reported as waiting (rule
    /// <c>leakAfter</c>). Needs <c>ts=</c>; a goroutine whose park had no timestamp is left to the verdict.
    /// </summary>
    public TimeSpan LeakAfter { get; init; }
}
