using GoTraceEngine.Pipeline;
using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>Builds the <see cref="Timeline"/> from the recorder's samples and the report's leak groups.</summary>
internal static class TimelineBuilder
{
    public static Timeline Build(TraceSummary summary, TimelineRecorder? recorder, GoroutineState state, EventOrderer orderer, long linesRead)
    {
        bool timed = orderer.HasTimestamps;
        var reasons = new List<string>();
        var points = new List<TimelinePoint>();
        if (recorder is not null)
        {
            foreach (byte key in recorder.Keys)
            {
                reasons.Add(ReasonKeys.Name(key));
            }

            for (int i = 0; i < recorder.Count; i++)
            {
                ReadOnlySpan<long> p = recorder.Point(i);
                points.Add(new TimelinePoint { X = p[0], Live = p[1], Blocked = p[2], BlockedByReason = p[3..].ToArray() });
            }

            long end = timed ? orderer.LatestTimestamp : linesRead;
            if (points.Count == 0 || points[^1].X < end)
            {
                points.Add(new TimelinePoint
                {
                    X = end,
                    Live = state.Live.Count,
                    Blocked = state.Blocked.Count,
                    BlockedByReason = [.. recorder.Keys.ToArray().Select(state.BlockedWithKey)],
                });
            }
        }

        var markers = new List<TimelineMarker>();
        foreach (LeakGroup group in summary.LeakGroups)
        {
            long first = long.MaxValue;
            foreach (LeakSuspect leak in summary.Leaks)
            {
                if (leak.StartFunction == group.StartFunction && leak.Creator == group.Creator && leak.Reason == group.Reason)
                {
                    long x = timed && leak.BlockedNs is { } blocked ? orderer.LatestTimestamp - blocked : leak.Line;
                    first = Math.Min(first, x);
                }
            }

            markers.Add(new TimelineMarker { X = first, Label = $"{group.StartFunction ?? "(start function unknown)"}: {group.Reason}", Count = group.Count });
        }

        return new Timeline { Axis = timed ? "ns" : "line", Reasons = reasons, Points = points, Markers = markers };
    }
}
