namespace GoTraceEngine.Generation;

/// <summary>What a <see cref="BusyTraceGenerator"/> wrote, and which goroutines it leaked.</summary>
/// <remarks>Immutable once returned.</remarks>
public sealed class BusyTraceTruth
{
    private readonly Dictionary<long, BusyLeak> _byGoId;

    internal BusyTraceTruth(List<BusyLeak> leaks, long lines, long events, long attachTimestamp, long endTimestamp, bool quiesced)
    {
        leaks.Sort(static (a, b) => a.ParkLine.CompareTo(b.ParkLine));
        Leaks = leaks;
        _byGoId = new Dictionary<long, BusyLeak>(leaks.Count);
        foreach (BusyLeak leak in leaks)
        {
            _byGoId[leak.GoId] = leak;
        }

        Lines = lines;
        Events = events;
        AttachTimestamp = attachTimestamp;
        EndTimestamp = endTimestamp;
        Quiesced = quiesced;
    }

    /// <summary>Every leaked goroutine, by the line of the park it never leaves.</summary>
    public IReadOnlyList<BusyLeak> Leaks { get; }

    /// <summary>Lines written (the header included).</summary>
    public long Lines { get; }

    /// <summary>Event lines written (goroutine events, ticks and <c>END</c>).</summary>
    public long Events { get; }

    /// <summary>The trace time the tracer attached at: the first <c>ts=</c> written.</summary>
    public long AttachTimestamp { get; }

    /// <summary>The <c>ts=</c> of <c>END</c>.</summary>
    public long EndTimestamp { get; }

    /// <summary>Whether the program shut down before <c>END</c> (<see cref="BusyTraceOptions.Quiesce"/>).</summary>
    public bool Quiesced { get; }

    /// <summary>Whether goroutine <paramref name="goId"/>, blocked after reading lines 1 to <paramref name="cutLine"/>, is leaked.</summary>
    /// <param name="goId">The goroutine id.</param>
    /// <param name="cutLine">The last line read.</param>
    /// <returns><see langword="true"/> when its leaking park is at or before the cut.</returns>
    public bool IsLeakedAt(long goId, long cutLine) => _byGoId.TryGetValue(goId, out BusyLeak leak) && leak.ParkLine <= cutLine;

    /// <summary>Leaked goroutines whose leaking park is at or before <paramref name="cutLine"/>.</summary>
    /// <param name="cutLine">The last line read.</param>
    /// <returns>The count.</returns>
    public int LeakedAt(long cutLine)
    {
        int lo = 0, hi = Leaks.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Leaks[mid].ParkLine <= cutLine)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
