using GoTraceEngine.Pipeline;
using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>Builds the <see cref="Timeline"/> from the recorder's samples and the report's leaks.</summary>
internal static class TimelineBuilder
{
    public static Timeline Build(TraceSummary summary, TimelineRecorder? recorder, GoroutineState state, EventOrderer orderer, long linesRead)
    {
        bool timed = orderer.HasTimestamps;
        long end = timed ? orderer.LatestTimestamp : linesRead;
        var reasons = new List<string>();
        var samples = new List<(long X, long Live, long Blocked, long[] ByReason)>();
        if (recorder is not null)
        {
            foreach (byte key in recorder.Keys)
            {
                reasons.Add(ReasonKeys.Name(key));
            }

            for (int i = 0; i < recorder.Count; i++)
            {
                ReadOnlySpan<long> p = recorder.Point(i);
                samples.Add((p[0], p[1], p[2], p[3..].ToArray()));
            }

            if (samples.Count == 0 || samples[^1].X < end)
            {
                samples.Add((end, state.Live.Count, state.Blocked.Count, [.. recorder.Keys.ToArray().Select(state.BlockedWithKey)]));
            }
        }

        // Where each leak parked, on the timeline's axis. A park without ts= in a timed trace cannot be placed: it is
        // counted from the start, as blocked since before anything the timeline shows.
        long start = samples.Count > 0 ? samples[0].X : end;
        // Keyed as groups print (the go statement's file:line too): two go statements of one function in one creator are
        // two groups.
        var parks = new Dictionary<(string?, string?, string?, string), List<long>>();
        var all = new long[summary.Leaks.Count];
        for (int i = 0; i < summary.Leaks.Count; i++)
        {
            LeakSuspect leak = summary.Leaks[i];
            long x = !timed ? leak.Line : leak.BlockedNs is { } blocked ? end - blocked : start;
            all[i] = x;
            var key = (leak.StartFunction, leak.Creator, leak.CreatedAt, leak.Reason);
            if (!parks.TryGetValue(key, out List<long>? list))
            {
                parks[key] = list = [];
            }

            list.Add(x);
        }

        Array.Sort(all);
        var points = new List<TimelinePoint>(samples.Count);
        int parked = 0;
        foreach ((long x, long live, long blocked, long[] byReason) in samples)
        {
            while (parked < all.Length && all[parked] <= x)
            {
                parked++;
            }

            points.Add(new TimelinePoint { X = x, Live = live, Blocked = blocked, BlockedByReason = byReason, Leaked = parked });
        }

        // Groups differ by creator too: the creator joins the label only where start function and reason are shared, and
        // the go statement's file:line where the creator is shared as well.
        var sameLabel = new Dictionary<(string?, string), int>();
        var sameCreator = new Dictionary<(string?, string?, string), int>();
        foreach (LeakGroup group in summary.LeakGroups)
        {
            sameLabel[(group.StartFunction, group.Reason)] = sameLabel.GetValueOrDefault((group.StartFunction, group.Reason)) + 1;
            var creatorKey = (group.StartFunction, group.Creator, group.Reason);
            sameCreator[creatorKey] = sameCreator.GetValueOrDefault(creatorKey) + 1;
        }

        var markers = new List<TimelineMarker>(summary.LeakGroups.Count);
        foreach (LeakGroup group in summary.LeakGroups)
        {
            List<long> at = parks.TryGetValue((group.StartFunction, group.Creator, group.CreatedAt, group.Reason), out List<long>? found) ? found : [];
            at.Sort();
            string label = (group.StartFunction ?? "(start function unknown)") + ": " + group.Reason;
            if (sameLabel[(group.StartFunction, group.Reason)] > 1)
            {
                label += " from " + (group.Creator ?? "(creator unknown)");
            }

            if (sameCreator[(group.StartFunction, group.Creator, group.Reason)] > 1 && group.CreatedAt is { } createdAt)
            {
                label += " at " + createdAt;
            }

            markers.Add(new TimelineMarker { X = at.Count > 0 ? at[0] : start, Label = label, Count = group.Count, Group = group, ParkedAt = at });
        }

        return new Timeline { Axis = timed ? "ns" : "line", Reasons = reasons, Points = points, Markers = markers };
    }
}
