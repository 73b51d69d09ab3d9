using System.Runtime.InteropServices;

namespace GoTraceEngine.Verdict;

/// <summary>
/// What the verdict knows of one group of goroutines, keyed by (start function, creator, park reason): how many parked,
/// how many were released and how long they had waited, and how its blocked count moved. Fixed size (about 380 bytes).
/// </summary>
/// <remarks>Times are on the verdict's clock (<see cref="VerdictClock"/>); <see cref="long.MinValue"/> means "never".</remarks>
[StructLayout(LayoutKind.Auto)]
internal struct VerdictGroup
{
    /// <summary>The start function's interned id (0: unknown).</summary>
    public int StartFunction;

    /// <summary>The creator's interned id (0: unknown).</summary>
    public int Creator;

    /// <summary>The park reason code.</summary>
    public byte Reason;

    /// <summary>Parks of goroutines in the group (a repeated park of a blocked goroutine is not counted again).</summary>
    public long Parks;

    /// <summary>Parks that ended with the goroutine released (readied, re-parked for another reason, or destroyed).</summary>
    public long Releases;

    /// <summary>
    /// Independent releases near the group's longest wait (at least half of it): what the longest release rests on.
    /// A release is independent when it was on no object, or its object had released nothing for at least half the
    /// released goroutine's wait: a worker pool woken by one burst after a quiet spell counts once, not once per worker.
    /// When the longest release more than doubles, the count starts again from that release.
    /// </summary>
    public long Episodes;

    /// <summary>Goroutines of the group blocked now.</summary>
    public int Blocked;

    /// <summary>
    /// Parks of the group's goroutines created before the trace and followed from their first park (an attach): they
    /// ran in the trace, so the group's goroutines are released, after waits the trace did not see begin.
    /// </summary>
    public int Adopted;

    /// <summary>The most goroutines of the group ever blocked at once.</summary>
    public int PeakBlocked;

    /// <summary>The lowest blocked count in the current growth epoch.</summary>
    public int Floor;

    /// <summary>The lowest blocked count in the previous growth epoch (-1 before the first epoch ends).</summary>
    public int PreviousFloor;

    /// <summary>When the current growth epoch started; an epoch lasts as long as the group had existed when it began.</summary>
    public long EpochStart;

    /// <summary>The first park seen.</summary>
    public long FirstPark;

    /// <summary>The latest park seen.</summary>
    public long LastPark;

    /// <summary>The first release seen (<see cref="long.MinValue"/>: none).</summary>
    public long FirstRelease;

    /// <summary>The latest release seen (<see cref="long.MinValue"/>: none).</summary>
    public long LastRelease;

    /// <summary>The longest park→release duration seen, exact.</summary>
    public long MaxRelease;

    /// <summary>Park→release durations, log-scale.</summary>
    public ReleaseHistogram Histogram;

    /// <summary>
    /// The 99th percentile of <see cref="Histogram"/> when the group had <see cref="P99At"/> releases: a report judges
    /// every blocked goroutine of the group, and the histogram only changes with a release.
    /// </summary>
    public long P99;

    /// <summary>The <see cref="Releases"/> count <see cref="P99"/> was computed at (0 with 0: no releases, no percentile).</summary>
    public long P99At;

    /// <summary>How long after its first park the group saw its first release (<see cref="long.MinValue"/>: not yet).</summary>
    public readonly long FirstReleaseLatency => FirstRelease == long.MinValue ? long.MinValue : FirstRelease - FirstPark;

    /// <summary>The blocked count the group has not fallen below over the last one to two epochs: goroutines that stay.</summary>
    public readonly int SteadyBlocked => PreviousFloor < 0 ? Floor : Math.Min(Floor, PreviousFloor);
}
