using System.Globalization;

namespace GoTraceEngine.Verdict;

/// <summary>Puts a <see cref="VerdictEvidence"/> into words for a report. Allocates: call it when writing a report, never per event.</summary>
internal static class VerdictText
{
    private static readonly NumberFormatInfo s_groups = new() { NumberGroupSeparator = "\u00a0", NumberDecimalSeparator = "." };

    /// <summary>One sentence: "blocked 41 s; its group's releases took at most 180 ms over 2 310 parks".</summary>
    public static string Describe(in VerdictEvidence e)
    {
        string age = Duration(e.Age, e.Clock);
        return e.Rule switch
        {
            VerdictRule.Quiesced =>
                $"blocked {age}; nothing has run anywhere for {Duration(e.QuietFor, e.Clock)}: the program is idle",
            VerdictRule.NothingReleasedSincePark =>
                $"blocked {age}; nothing was released anywhere since it parked",
            VerdictRule.UnderFloor =>
                $"blocked {age}, under the {Duration(e.Threshold, e.Clock)} below which no wait is judged",
            VerdictRule.ObjectStillReleasing =>
                $"blocked {age}; its wait object released {Count(e.ObjectReleases)} goroutines, the last {Duration(e.ObjectLastReleaseAgo, e.Clock)} ago: a line that moves",
            VerdictRule.WithinGroupReleases =>
                $"blocked {age}; its group's releases took up to {Duration(e.GroupMaxRelease, e.Clock)} over {Count(e.GroupParks)} parks",
            VerdictRule.ObjectStalled =>
                $"blocked {age}; its wait object has released nothing for {Duration(e.ObjectLastReleaseAgo, e.Clock)} while {Count(e.ObjectParksSinceRelease)} goroutines parked on it; its group's releases took at most {Duration(e.GroupMaxRelease, e.Clock)}",
            VerdictRule.GroupAccumulating =>
                $"blocked {age}; its group's releases took at most {Duration(e.GroupMaxRelease, e.Clock)}, yet it holds {Count(e.GroupBlocked)} blocked where its park rate explains {e.GroupExpectedBlocked.ToString("0.#", s_groups)}: they pile up",
            VerdictRule.BeyondGroupReleases or VerdictRule.FarBeyondGroupReleases =>
                $"blocked {age}; its group's releases took at most {Duration(e.GroupMaxRelease, e.Clock)} ({Count(e.GroupReleases)} releases over {Count(e.GroupParks)} parks){Steady(e)}",
            VerdictRule.GroupNeverReleased or VerdictRule.GroupNeverReleasedYet =>
                $"blocked {age}; its group parked {Count(e.GroupParks)} goroutines over {Duration(e.GroupSpan, e.Clock)} and released none{Slowest(e)}",
            VerdictRule.GroupPredatesTrace when e.GroupReleases == 0 =>
                $"blocked {age}; its group released none in the trace, but its goroutines created before the trace ran in it ({Count(e.GroupAdopted)} parks): its waits outlast the trace so far",
            VerdictRule.GroupPredatesTrace =>
                $"blocked {age}; its group's releases took at most {Duration(e.GroupMaxRelease, e.Clock)} ({Count(e.GroupReleases)} releases over {Count(e.GroupParks)} parks), but it holds goroutines created before the trace ({Count(e.GroupAdopted)} parks), whose longer waits the trace has not seen end: too little history to call it leaked",
            VerdictRule.SameFunctionElsewhere when e.KinReleases == 0 =>
                $"blocked {age}; its go statement released none yet, and its function's goroutines from other go statements released none in the trace, but those created before the trace ran in it ({Count(e.KinAdopted)} parks): their waits outlast the trace so far",
            VerdictRule.SameFunctionElsewhere =>
                $"blocked {age}; its go statement released none yet; its function's goroutines from other go statements were released after at most {Duration(e.KinMaxRelease, e.Clock)} ({Count(e.KinReleases)} releases), but they include goroutines created before the trace ({Count(e.KinAdopted)} parks), whose longer waits the trace has not seen end: too little history to call it leaked",
            VerdictRule.MainGoroutine =>
                $"blocked {age}; the program's main goroutine, and the program had not ended by itself: a server's main waits for its whole life",
            _ => $"blocked {age}",
        };
    }

    /// <summary>The class as reports spell it.</summary>
    public static string Name(VerdictClass value) => value switch
    {
        VerdictClass.Leak => "leak",
        VerdictClass.Likely => "likely",
        _ => "waiting",
    };

    /// <summary>A duration on the verdict's clock: "41 s", "180 ms", "12 µs", or "1 234 events".</summary>
    public static string Duration(long value, VerdictClock clock)
    {
        if (clock == VerdictClock.Events)
        {
            return Count(value) + (value == 1 ? " event" : " events");
        }

        double ns = value;
        return ns switch
        {
            >= 60e9 => (ns / 60e9).ToString(ns >= 600e9 ? "0" : "0.#", s_groups) + " min",
            >= 1e9 => (ns / 1e9).ToString(ns >= 10e9 ? "0" : "0.#", s_groups) + " s",
            >= 1e6 => (ns / 1e6).ToString(ns >= 10e6 ? "0" : "0.#", s_groups) + " ms",
            >= 1e3 => (ns / 1e3).ToString("0", s_groups) + " µs",
            _ => value.ToString(s_groups) + " ns",
        };
    }

    private static string Count(long value) => value.ToString("#,0", s_groups);

    private static string Steady(in VerdictEvidence e) => e.GroupSteadyBlocked > 1
        ? string.Create(CultureInfo.InvariantCulture, $"; {Count(e.GroupSteadyBlocked)} of its {Count(e.GroupBlocked)} blocked have stayed blocked through the last half of its life")
        : string.Empty;

    private static string Slowest(in VerdictEvidence e) => e.SlowestFirstRelease < 0 ? " (no group has released anything yet)"
        : e.KinReleases > 0 && e.KinMaxRelease > Math.Max(e.SlowestFirstRelease, e.LongestOlderRelease) ? $" (its function's goroutines from other go statements were released after waits of up to {Duration(e.KinMaxRelease, e.Clock)})"
        : e.LongestOlderRelease > e.SlowestFirstRelease ? $" (goroutines older than the trace were seen waiting {Duration(e.LongestOlderRelease, e.Clock)} and still woke)"
        : e.SlowestIsOutlier ? $" (every group but the slowest saw its first release within {Duration(e.SlowestFirstRelease, e.Clock)})"
        : $" (the slowest group saw its first release after {Duration(e.SlowestFirstRelease, e.Clock)})";
}
