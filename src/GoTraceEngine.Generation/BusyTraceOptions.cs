namespace GoTraceEngine.Generation;

/// <summary>What <see cref="BusyTraceGenerator"/> simulates. <c>default</c> gives the documented defaults.</summary>
public readonly record struct BusyTraceOptions
{
    private readonly int _live;
    private readonly TimeSpan _duration;
    private readonly double _leakIncidentsPerMinute;
    private readonly TimeSpan _attachAfter;
    private readonly int _cpus;

    /// <summary>The random seed: the same options write the same bytes and the same truth.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The steady population of live goroutines in normal load (default 1000): mostly idle keep-alive connections, plus
    /// requests, pools, pollers and sessions scaled to it. An overload phase queues more on top.
    /// </summary>
    public int Live { get => _live > 0 ? _live : 1000; init => _live = value; }

    /// <summary>Trace time written after the tracer attaches (default 120 s).</summary>
    public TimeSpan Duration { get => _duration > TimeSpan.Zero ? _duration : TimeSpan.FromSeconds(120); init => _duration = value; }

    /// <summary>Leak incidents per minute of trace (default 6); an incident leaks one to a few goroutines, a stuck mutex leaks every later locker.</summary>
    public double LeakIncidentsPerMinute { get => _leakIncidentsPerMinute > 0 ? _leakIncidentsPerMinute : 6; init => _leakIncidentsPerMinute = value; }

    /// <summary>
    /// How long the program runs before the tracer attaches (default 10 s): the trace starts mid-flight, with goroutines
    /// it never saw created being parked and readied.
    /// </summary>
    public TimeSpan AttachAfter { get => _attachAfter > TimeSpan.Zero ? _attachAfter : TimeSpan.FromSeconds(10); init => _attachAfter = value; }

    /// <summary>
    /// Turns off the overload phase. By default arrivals run at 1.6 times the server's capacity from 30 % to 50 % of the
    /// trace, so requests queue behind its semaphore far longer than a fresh leak has existed.
    /// </summary>
    public bool NoOverload { get; init; }

    /// <summary>
    /// Whether the program shuts down at the end: every healthy goroutine is released and exits, then nothing runs for
    /// 2 s before <c>END</c>, so only the leaks are still blocked (default: the trace ends mid-flight).
    /// </summary>
    public bool Quiesce { get; init; }

    /// <summary>CPUs whose buffers are drained in turn (default 4): lines from different CPUs come out of time order.</summary>
    public int Cpus { get => _cpus > 0 ? _cpus : 4; init => _cpus = value; }
}

/// <summary>How a generated goroutine leaks.</summary>
public enum BusyLeakKind : byte
{
    /// <summary>A fetcher sends on its request's result channel after the handler gave up (<c>main.fetch.func2</c>, chan send): the same group as healthy fetchers.</summary>
    ChanSendNoReceiver = 0,

    /// <summary>A batch worker receives on a jobs channel its producer never closed (<c>main.worker</c> created by <c>main.startBatch</c>, chan receive).</summary>
    ChanReceiveNeverClosed = 1,

    /// <summary>A watcher's <c>select</c> none of whose cases ever fires (<c>main.watch.func1</c>, select).</summary>
    SelectForever = 2,

    /// <summary>A store update locks a mutex whose holder returned without unlocking (<c>main.(*Store).update</c>, sync).</summary>
    MutexNeverUnlocked = 3,

    /// <summary>A queue drainer waits on a <c>sync.Cond</c> nobody signals (<c>main.(*Queue).drain</c> created by <c>main.restartQueue</c>).</summary>
    CondNeverSignalled = 4,
}

/// <summary>A goroutine the generator leaked: it parked at <see cref="ParkLine"/> and is never released.</summary>
/// <param name="GPointer">Its g pointer.</param>
/// <param name="GoId">Its goroutine id (unique in a generated trace).</param>
/// <param name="Kind">How it leaked.</param>
/// <param name="StartTimestamp">The <c>ts=</c> of the park it never leaves.</param>
/// <param name="ParkLine">The 1-based line of that park: from a cut at this line on, the goroutine is blocked and leaked.</param>
public readonly record struct BusyLeak(ulong GPointer, long GoId, BusyLeakKind Kind, long StartTimestamp, long ParkLine);
