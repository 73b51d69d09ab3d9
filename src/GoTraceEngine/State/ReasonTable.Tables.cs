namespace GoTraceEngine.State;

// The runtime's enums, value by value, from the Go sources of each release (see README "Reason numbering").
// Static initializers run in textual order: the blocking set and the 1.21 list come first.
public sealed partial class ReasonTable
{
    /// <summary>waitReasons that wait on another goroutine: channels, select, and the sync package's primitives.</summary>
    private static readonly HashSet<string> s_blockingWaits =
    [
        "chan receive (nil chan)", "chan send (nil chan)", "select", "select (no cases)", "chan receive", "chan send",
        "semacquire", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
    ];

    /// <summary>
    /// Go ≥1.22 <c>traceBlockReason</c> (the 4th argument of <c>runtime.gopark</c>), the numbering of the seed script:
    /// 1 forever, 3 select, 4 cond, 5 sync, 6 chan send and 7 chan receive are blocking.
    /// </summary>
    public static ReasonTable TraceBlockReason { get; } = new(
        "traceBlockReason/go1.22+",
        ReasonNumbering.Trace,
        [
            "unspecified", "forever", "network", "select", "sync.(*Cond).Wait", "sync", "chan send", "chan receive",
            "GC mark assist wait for work", "GC background sweeper wait", "system goroutine wait", "preempted",
            "wait for debug call", "wait until GC ends", "sleep", "GC weak to strong wait", "synctest",
        ],
        [1, 3, 4, 5, 6, 7]);

    /// <summary>
    /// Go ≤1.21: <c>gopark</c>'s 4th argument is a trace event number (<c>traceEv…</c>, aliased by 1.21's traceBlockReason):
    /// 16 GoStop (forever), 22 send, 23 receive, 24 select, 25 sync, 26 cond are blocking.
    /// </summary>
    public static ReasonTable TraceEventNumbers { get; } = new(
        "traceBlockReason/go1.21-",
        ReasonNumbering.Trace,
        Sparse(
            (16, "forever"), (19, "sleep"), (20, "unspecified"), (22, "chan send"), (23, "chan receive"), (24, "select"),
            (25, "sync"), (26, "sync.(*Cond).Wait"), (27, "network"), (42, "GC mark assist wait for work")),
        [16, 22, 23, 24, 25, 26]);

    private static readonly string[] s_wait121 =
    [
        "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)", "dumping heap",
        "garbage collection", "garbage collection scan", "panicwait", "select", "select (no cases)", "GC assist wait",
        "GC sweep wait", "GC scavenge wait", "chan receive", "chan send", "finalizer wait", "force gc (idle)",
        "semacquire", "sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
        "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted",
        "debug call", "GC mark termination", "stopping the world",
    ];

    private static ReasonTable Wait121 { get; } = Wait("waitReason/go1.21", s_wait121);

    private static ReasonTable Wait122 { get; } = Wait(
        "waitReason/go1.22", [.. s_wait121, "flushing proc caches", "trace goroutine status", "trace proc status", "coroutine"]);

    private static ReasonTable Wait123 { get; } = Wait(
        "waitReason/go1.23",
        [.. s_wait121, "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush", "coroutine", "GC weak to strong wait"]);

    private static ReasonTable Wait124 { get; } = Wait(
        "waitReason/go1.24",
        [
            .. s_wait121.AsSpan(0, 24), "sync.WaitGroup.Wait", .. s_wait121.AsSpan(24),
            "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
            "GC weak to strong wait", "synctest.Run", "synctest.Wait", "chan receive (synctest)", "chan send (synctest)",
            "select (synctest)",
        ]);

    private static ReasonTable Wait125 { get; } = Wait(
        "waitReason/go1.25",
        [
            .. s_wait121.AsSpan(0, 18), "GOMAXPROCS updater (idle)", .. s_wait121.AsSpan(18, 6), "sync.WaitGroup.Wait",
            .. s_wait121.AsSpan(24), "flushing proc caches", "trace goroutine status", "trace proc status",
            "page trace flush", "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait",
            "chan receive (durable)", "chan send (durable)", "select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
        ]);

    private static ReasonTable Wait126 { get; } = Wait(
        "waitReason/go1.26",
        [
            "", "GC assist marking", "IO wait", "dumping heap", "garbage collection", "garbage collection scan", "panicwait",
            "GC assist wait", "GC sweep wait", "GC scavenge wait", "finalizer wait", "force gc (idle)",
            "GOMAXPROCS updater (idle)", "semacquire", "sleep", "chan receive (nil chan)", "chan send (nil chan)",
            "select (no cases)", "select", "chan receive", "chan send", "sync.Cond.Wait", "sync.Mutex.Lock",
            "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait", "trace reader (blocked)", "wait for GC cycle",
            "GC worker (idle)", "GC worker (active)", "preempted", "debug call", "GC mark termination", "stopping the world",
            "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
            "GC weak to strong wait", "synctest.Run", "synctest.Wait", "chan receive (durable)", "chan send (durable)",
            "select (durable)", "sync.WaitGroup.Wait (durable)", "cleanup wait",
        ]);

    /// <summary>Every reason name some table knows, in order: what a user may type to name a reason (a CI gate's ignore rule).</summary>
    /// <remarks>Declared after the tables: static initializers run in textual order.</remarks>
    public static IReadOnlyList<string> KnownNames { get; } =
        [.. new[] { TraceBlockReason, TraceEventNumbers, Wait121, Wait122, Wait123, Wait124, Wait125, Wait126 }
            .SelectMany(t => t._names).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static ReasonTable Wait(string id, string[] names)
    {
        names = (string[])names.Clone();
        var blocking = new List<int>();
        for (int code = 0; code < names.Length; code++)
        {
            if (s_blockingWaits.Contains(names[code]))
            {
                blocking.Add(code);
            }
        }

        names[0] = "zero";
        return new ReasonTable(id, ReasonNumbering.Wait, names, blocking.ToArray());
    }

    private static string?[] Sparse(params (int Code, string Name)[] entries)
    {
        var names = new string?[entries.Max(e => e.Code) + 1];
        foreach ((int code, string name) in entries)
        {
            names[code] = name;
        }

        return names;
    }
}
