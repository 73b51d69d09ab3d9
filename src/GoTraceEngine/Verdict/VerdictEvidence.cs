using System.Runtime.InteropServices;

namespace GoTraceEngine.Verdict;

/// <summary>
/// A classified blocked goroutine: the class, the rule that decided it, and the numbers behind it, on the verdict's
/// clock (<see cref="Clock"/>). No references: it can be kept and copied freely. <see cref="VerdictText"/> words it.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct VerdictEvidence
{
    /// <summary>What the verdict calls the goroutine.</summary>
    public VerdictClass Class { get; init; }

    /// <summary>The rule that decided it.</summary>
    public VerdictRule Rule { get; init; }

    /// <summary>What the durations below are measured in.</summary>
    public VerdictClock Clock { get; init; }

    /// <summary>How long it has been blocked.</summary>
    public long Age { get; init; }

    /// <summary>The duration the decision compared with (the floor, a group's longest release times the multiple, …), or 0.</summary>
    public long Threshold { get; init; }

    /// <summary>Parks counted in its group.</summary>
    public long GroupParks { get; init; }

    /// <summary>Releases counted in its group.</summary>
    public long GroupReleases { get; init; }

    /// <summary>Its group's release episodes (<see cref="VerdictGroup.Episodes"/>).</summary>
    public long GroupEpisodes { get; init; }

    /// <summary>Its group's longest park→release duration.</summary>
    public long GroupMaxRelease { get; init; }

    /// <summary>Its group's 99th percentile park→release duration (log-scale bucket bound), or 0.</summary>
    public long GroupP99Release { get; init; }

    /// <summary>How many goroutines its group would hold blocked if every wait ended within its longest release (park rate × longest release).</summary>
    public double GroupExpectedBlocked { get; init; }

    /// <summary>Goroutines of its group blocked now.</summary>
    public int GroupBlocked { get; init; }

    /// <summary>Goroutines of its group that stayed blocked through the group's last one or two growth epochs.</summary>
    public int GroupSteadyBlocked { get; init; }

    /// <summary>How long ago its group first parked.</summary>
    public long GroupSpan { get; init; }

    /// <summary>Parks of its group's goroutines created before the trace (<see cref="VerdictGroup.Adopted"/>).</summary>
    public int GroupAdopted { get; init; }

    /// <summary>
    /// How long a group may take from its first park to its first release (-1: no group has released): the slowest
    /// group's, or the second slowest's when <see cref="SlowestIsOutlier"/>.
    /// </summary>
    public long SlowestFirstRelease { get; init; }

    /// <summary>
    /// The longest wait seen to end in a group holding goroutines created before the trace (an attach), or -1: a group
    /// that never released is judged against it too.
    /// </summary>
    public long LongestOlderRelease { get; init; }

    /// <summary>Releases in the groups of the same function and reason started at other go statements (rule 5's kin), or 0.</summary>
    public long KinReleases { get; init; }

    /// <summary>The longest release in those groups, or 0.</summary>
    public long KinMaxRelease { get; init; }

    /// <summary>Parks of goroutines created before the trace in those groups, or 0.</summary>
    public int KinAdopted { get; init; }

    /// <summary>Enough groups have released that the slowest one was set aside as an outlier (<see cref="VerdictOptions.OutlierGroups"/>).</summary>
    public bool SlowestIsOutlier { get; init; }

    /// <summary>Releases from its wait object the verdict remembers (-1: object unknown or forgotten).</summary>
    public long ObjectReleases { get; init; }

    /// <summary>How long ago its wait object last released a goroutine (-1: never, or not remembered).</summary>
    public long ObjectLastReleaseAgo { get; init; }

    /// <summary>Goroutines parked on its wait object since the object last released one (-1: object unknown or forgotten).</summary>
    public long ObjectParksSinceRelease { get; init; }

    /// <summary>How long since the last goroutine event anywhere.</summary>
    public long QuietFor { get; init; }

    /// <summary>Releases of goroutines whose park the trace never saw (a mid-flight attach): they say the program runs, nothing more.</summary>
    public long UntrackedReleases { get; init; }
}
