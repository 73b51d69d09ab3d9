namespace GoTraceEngine.State;

/// <summary>
/// Names the park reason codes a tracer prints and says which of them mean "blocked": waiting on something only
/// another goroutine can provide, so that staying there forever is a leak.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ReasonTable
{
    private readonly string?[] _names;
    private readonly bool[] _blocking;

    private ReasonTable(string id, string?[] names, ReadOnlySpan<byte> blocking)
    {
        Id = id;
        _names = names;
        _blocking = new bool[256];
        foreach (byte code in blocking)
        {
            _blocking[code] = true;
        }
    }

    /// <summary>
    /// Go ≥1.22 <c>traceBlockReason</c> (the 4th argument of <c>runtime.gopark</c>), the numbering of the seed script:
    /// 1 forever, 3 select, 4 cond, 5 sync, 6 chan send and 7 chan receive are blocking.
    /// </summary>
    public static ReasonTable TraceBlockReason { get; } = new(
        "traceBlockReason/go1.22+",
        [
            "unspecified", "forever", "network", "select", "sync.(*Cond).Wait", "sync", "chan send", "chan receive",
            "GC mark assist wait for work", "GC background sweeper wait", "system goroutine wait", "preempted",
            "wait for debug call", "wait until GC ends", "sleep", "GC weak to strong wait", "synctest",
        ],
        [1, 3, 4, 5, 6, 7]);

    /// <summary>A short identifier of the numbering, as reports show it.</summary>
    public string Id { get; }

    /// <summary>Whether a park with <paramref name="code"/> blocks the goroutine.</summary>
    /// <param name="code">The reason code.</param>
    /// <returns><see langword="true"/> for blocking reasons.</returns>
    public bool IsBlocking(byte code) => _blocking[code];

    /// <summary>The runtime's name for <paramref name="code"/>, or <c>unknown(N)</c>.</summary>
    /// <param name="code">The reason code.</param>
    /// <returns>The name.</returns>
    public string GetName(byte code) => code < _names.Length && _names[code] is { } name ? name : $"unknown({code})";
}
