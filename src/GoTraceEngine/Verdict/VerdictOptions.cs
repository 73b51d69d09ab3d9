namespace GoTraceEngine.Verdict;

/// <summary>The verdict's constants. <c>default</c> gives the documented defaults (each property says its own).</summary>
internal readonly record struct VerdictOptions
{
    private readonly double _leakMultiple;
    private readonly int _minReleases;
    private readonly long _floorNs;
    private readonly long _floorEvents;
    private readonly long _quietNs;
    private readonly long _quietEvents;
    private readonly double _quietMultiple;
    private readonly double _neverReleasedMultiple;
    private readonly double _accumulationFactor;
    private readonly int _outlierGroups;
    private readonly double _nothingReleasedGaps;
    private readonly int _maxGroups;
    private readonly int _initialGroups;
    private readonly int _waitObjects;

    /// <summary>A goroutine blocked more than this many times its group's longest release is a leak (default 3).</summary>
    public double LeakMultiple { get => _leakMultiple > 0 ? _leakMultiple : 3; init => _leakMultiple = value; }

    /// <summary>
    /// Release episodes a group needs for <see cref="LeakMultiple"/> to apply as is (default 16); with fewer, the multiple
    /// grows in proportion (4 episodes: 4 times as much), since a longest-of-few says less about the group's normal
    /// wait. See <see cref="VerdictGroup.Episodes"/>.
    /// </summary>
    public int MinReleases { get => _minReleases > 0 ? _minReleases : 16; init => _minReleases = value; }

    /// <summary>With timestamps, no wait shorter than this is judged against its group (default 250 ms: scheduling noise).</summary>
    public long FloorNs { get => _floorNs > 0 ? _floorNs : 250_000_000; init => _floorNs = value; }

    /// <summary>Without timestamps, the same floor in events (default 256).</summary>
    public long FloorEvents { get => _floorEvents > 0 ? _floorEvents : 256; init => _floorEvents = value; }

    /// <summary>With timestamps, the shortest silence that counts as quiesced (default 50 ms).</summary>
    public long QuietNs { get => _quietNs > 0 ? _quietNs : 50_000_000; init => _quietNs = value; }

    /// <summary>Without timestamps, the shortest silence that counts as quiesced, in lines (default 64).</summary>
    public long QuietEvents { get => _quietEvents > 0 ? _quietEvents : 64; init => _quietEvents = value; }

    /// <summary>A silence also has to be this many times the trace's mean gap between goroutine events (default 8).</summary>
    public double QuietMultiple { get => _quietMultiple > 0 ? _quietMultiple : 8; init => _quietMultiple = value; }

    /// <summary>
    /// A group that never released anything is leaked once it has parked for this many times the longest any group
    /// took to see its first release (default 1.5).
    /// </summary>
    public double NeverReleasedMultiple { get => _neverReleasedMultiple > 0 ? _neverReleasedMultiple : 1.5; init => _neverReleasedMultiple = value; }

    /// <summary>
    /// Once this many groups have seen their first release (default 8), the slowest of them is an outlier and the
    /// second slowest sets how long a group may go without releasing (see <see cref="NeverReleasedMultiple"/>).
    /// </summary>
    public int OutlierGroups { get => _outlierGroups > 0 ? _outlierGroups : 8; init => _outlierGroups = value; }

    /// <summary>
    /// A group holding more than this many times the blocked goroutines its park rate and longest release explain
    /// (plus 2) is accumulating: its goroutines older than its longest release are leaks (default 4).
    /// </summary>
    public double AccumulationFactor { get => _accumulationFactor > 0 ? _accumulationFactor : 4; init => _accumulationFactor = value; }

    /// <summary>
    /// "Nothing released anywhere since it parked" decides only once this many mean gaps between releases have passed
    /// (default 4), when the trace never released anything, or when its park was the last event before a silence.
    /// </summary>
    public double NothingReleasedGaps { get => _nothingReleasedGaps > 0 ? _nothingReleasedGaps : 4; init => _nothingReleasedGaps = value; }

    /// <summary>Distinct (start function, creator, reason) groups kept; later keys share one overflow group (default 65 536).</summary>
    public int MaxGroups { get => _maxGroups > 0 ? _maxGroups : 1 << 16; init => _maxGroups = value; }

    /// <summary>Groups allocated up front (default 64; the table doubles as needed).</summary>
    public int InitialGroups { get => _initialGroups > 0 ? _initialGroups : 64; init => _initialGroups = value; }

    /// <summary>Wait objects remembered at once (default 4096, 32 bytes each); the least recently touched are forgotten.</summary>
    public int WaitObjects { get => _waitObjects > 0 ? _waitObjects : 4096; init => _waitObjects = value; }
}
