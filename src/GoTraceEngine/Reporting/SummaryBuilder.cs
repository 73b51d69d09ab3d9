using System.Globalization;
using GoTraceEngine.Parsing;
using GoTraceEngine.Pipeline;
using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Reporting;

/// <summary>What <see cref="SummaryBuilder"/> reads: the engine's stages, by reference.</summary>
internal readonly record struct EngineReadout(
    TraceEngineOptions Options,
    GoroutineState State,
    NameTable Names,
    GoNames GoNames,
    LineAccounting Accounting,
    EventOrderer Orderer,
    TraceMessages Messages,
    ScriptCounters ScriptCounters,
    TraceInfo? Trace,
    ProgramExit? ProgramExit,
    TracerStop Stop,
    ReasonTable? WaitReasons,
    bool Completed,
    bool EndedMidLine,
    IReadOnlyList<(IncompleteReason Reason, string? Detail)> EndedEarly);

/// <summary>Builds the report from the engine's stages: the only place the engine makes strings and lists of its state.</summary>
internal static class SummaryBuilder
{
    public static TraceSummary Build(in EngineReadout r)
    {
        GoroutineState state = r.State;
        ReasonTable reasons = state.Reasons;
        long leakAfter = r.Options.LeakAfter.Ticks * 100L;
        long end = r.Orderer.LatestTimestamp;

        // One walk of the blocked table: every blocked goroutine judged by the verdict, grouped, and a code to show for
        // each reason. Leaks and likely leaks are listed one by one; waiting goroutines only counted by group.
        LeakVerdict verdict = state.Verdict;
        var codeOfKey = new int[256];
        var leaks = new List<(LeakGroupKey Group, LeakSuspect Suspect)>();
        var likely = new List<(LeakGroupKey Group, LeakSuspect Suspect)>();
        var waiting = new Dictionary<LeakGroupKey, (long Count, LeakSuspect Example)>();
        for (int i = 0; i < state.Blocked.Capacity; i++)
        {
            state.PrefetchLiveAhead(i);
            ref readonly OpenTable<BlockedValue>.Entry entry = ref state.Blocked.DangerousGetEntry(i);
            if (entry.Key == 0)
            {
                continue;
            }

            ref readonly BlockedValue blocked = ref entry.Value;
            codeOfKey[blocked.Key] = reasons.CodeOf(blocked.Key) is >= 0 and var code ? code : blocked.Reason;
            long? blockedNs = (blocked.Flags & BlockedFlags.Timestamp) != 0 ? Math.Max(0, end - blocked.ParkTimestamp) : null;
            VerdictEvidence evidence = state.Classify(blocked);
            LeakClass leakClass = evidence.Class switch
            {
                VerdictClass.Leak => LeakClass.Leak,
                VerdictClass.Likely => LeakClass.Likely,
                _ => LeakClass.Waiting,
            };
            string rule = ReportNames.Of(evidence.Rule);
            bool underLeakAfter = leakClass != LeakClass.Waiting && leakAfter > 0 && blockedNs < leakAfter;
            if (underLeakAfter)
            {
                // --leak-after is a floor the verdict cannot lower.
                leakClass = LeakClass.Waiting;
                rule = "leakAfter";
            }

            ref LiveValue live = ref state.Live.GetValueRefOrNullRef(entry.Key);
            LiveValue record = System.Runtime.CompilerServices.Unsafe.IsNullRef(ref live) ? default : live;
            var group = LeakGroupKey.Of(record, blocked);
            (long Count, LeakSuspect Example) counted = (0, null!);
            bool groupSeen = leakClass == LeakClass.Waiting && waiting.TryGetValue(group, out counted);
            if (groupSeen && ExampleKey(blockedNs, blocked.ParkLineNumber) <= ExampleKey(counted.Example.BlockedNs, counted.Example.Line))
            {
                // Waiting goroutines are only counted by group: one that does not replace its group's example needs
                // no words and no record of its own.
                waiting[group] = (counted.Count + 1, counted.Example);
                continue;
            }

            string words = VerdictText.Describe(evidence);
            if (underLeakAfter)
            {
                words += string.Create(CultureInfo.InvariantCulture, $"; under --leak-after ({VerdictText.Duration(leakAfter, VerdictClock.Nanoseconds)})");
            }

            byte? wait = (blocked.Flags & BlockedFlags.WaitReason) != 0 ? blocked.WaitReason : null;
            (string? start, string? wrapper) = r.GoNames.StartFunction(NameOrNull(r.Names, record.StartFunction));
            (string? creator, string? createdAt) = r.GoNames.Creator(record.Creator, state.Sites, r.Names);
            ref LiveValue parent = ref record.Parent == 0 ? ref System.Runtime.CompilerServices.Unsafe.NullRef<LiveValue>() : ref state.Live.GetValueRefOrNullRef(record.Parent);
            long? parentGoId = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref parent) && parent.GoId != 0 ? parent.GoId : null;
            var suspect = new LeakSuspect
            {
                G = entry.Key,
                ReasonCode = blocked.Reason,
                Reason = ReasonKeys.Name(blocked.Key),
                Parent = record.Parent,
                Line = blocked.ParkLineNumber,
                FoundBlocked = (blocked.Flags & BlockedFlags.FoundBlocked) != 0,
                CreateLine = record.CreateLineNumber,
                GoId = record.GoId == 0 ? null : record.GoId,
                StartFunction = start,
                Creator = creator,
                StartWrapper = wrapper,
                CreatedAt = createdAt,
                ParentGoId = parentGoId,
                BlockedNs = blockedNs,
                Obj = (blocked.Flags & BlockedFlags.WaitObject) != 0 ? blocked.WaitObject : null,
                WaitReasonCode = wait,
                WaitReason = wait is { } w && r.WaitReasons is { } table && table.IsKnown(w) ? table.GetName(w) : null,
                Verdict = leakClass,
                Rule = rule,
                Evidence = words,
            };
            switch (leakClass)
            {
                case LeakClass.Leak:
                    leaks.Add((group, suspect));
                    break;
                case LeakClass.Likely:
                    likely.Add((group, suspect));
                    break;
                default:
                    // Past the check above, this goroutine is its group's first or replaces its example.
                    waiting[group] = (groupSeen ? counted.Count + 1 : 1, suspect);
                    break;
            }
        }

        SortInParkOrder(leaks);
        SortInParkOrder(likely);
        LeakSuspect[] leakList = [.. leaks.Select(s => s.Suspect)];

        List<ReasonCount> reasonCounts = ReasonCounts(state, codeOfKey);
        var byReason = new Dictionary<string, long>(reasonCounts.Count);
        foreach (ReasonCount reason in reasonCounts)
        {
            byReason[reason.Reason] = reason.Count;
        }

        List<(IncompleteReason Reason, string Text)> incomplete = IncompleteReasons(r);
        return new TraceSummary
        {
            Lines = r.Accounting.LineCounts(),
            Events = r.Accounting.EventCounts(),
            Live = state.Live.Count,
            Blocked = state.Blocked.Count,
            ReasonTable = reasons.Id,
            WaitReasonTable = r.WaitReasons?.Id,
            BlockedByReason = byReason,
            BlockedReasons = reasonCounts,
            LeakGroups = Groups(leaks),
            WaitObjects = WaitObjects(leakList),
            Leaks = leakList,
            Likely = [.. likely.Select(s => s.Suspect)],
            LikelyGroups = Groups(likely),
            WaitingGroups = WaitingGroups(waiting),
            Verdict = new VerdictSummary
            {
                Clock = verdict.Clock == VerdictClock.Events ? "events" : "ns",
                Leaks = leakList.Length,
                Likely = likely.Count,
                Waiting = state.Blocked.Count - leakList.Length - likely.Count,
                UntrackedReleases = verdict.UntrackedReleases,
            },
            LeakAfterNs = leakAfter,
            Anomalies = new AnomalyCounts
            {
                MissedDestroy = state.MissedDestroys,
                UntrackedPark = state.UntrackedParks,
                Adopted = state.AdoptedGoroutines,
                UntrackedReady = state.UntrackedReadies,
                UntrackedDestroy = state.UntrackedDestroys,
            },
            Warnings = [.. r.Messages.Warnings, .. LimitWarnings(r)],
            WarningsOmitted = r.Messages.WarningsOmitted,
            Diagnostics = [.. r.Messages.Diagnostics],
            DiagnosticsOmitted = r.Messages.DiagnosticsOmitted,
            ScriptCounters = r.ScriptCounters.Summarize(),
            Trace = r.Trace,
            ProgramExit = r.ProgramExit,
            Timing = r.Orderer.Summarize() with { StoppedAtTs = r.Stop.At, AfterStop = r.Stop.EventsAfter },
            Completed = r.Completed,
            Incomplete = [.. incomplete.Select(i => i.Text)],
            IncompleteReasons = [.. incomplete.Select(i => i.Reason)],
        };
    }

    /// <summary>Blocked goroutines per reason, from the counts the tables keep per event; biggest first.</summary>
    private static List<ReasonCount> ReasonCounts(GoroutineState state, int[] codeOfKey)
    {
        var counts = new List<ReasonCount>();
        ReadOnlySpan<long> byKey = state.BlockedByReasonKey;
        for (int key = 0; key < byKey.Length; key++)
        {
            if (byKey[key] > 0)
            {
                counts.Add(new ReasonCount { Reason = ReasonKeys.Name((byte)key), ReasonCode = codeOfKey[key], Count = byKey[key] });
            }
        }

        counts.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.ReasonCode.CompareTo(b.ReasonCode));
        return counts;
    }

    /// <summary>Park order: the longest blocked first when the trace has timestamps, else by the park's line.</summary>
    private static void SortInParkOrder(List<(LeakGroupKey Group, LeakSuspect Suspect)> suspects) =>
        suspects.Sort(static (x, y) =>
        {
            LeakSuspect a = x.Suspect, b = y.Suspect;
            return (a.BlockedNs ?? -1) != (b.BlockedNs ?? -1) ? (b.BlockedNs ?? -1).CompareTo(a.BlockedNs ?? -1)
                : a.Line != b.Line ? a.Line.CompareTo(b.Line)
                : a.G.CompareTo(b.G);
        });

    /// <summary>Groups by <see cref="LeakGroupKey"/>; biggest first, then longest blocked. <paramref name="suspects"/> are in park order.</summary>
    private static LeakGroup[] Groups(List<(LeakGroupKey Group, LeakSuspect Suspect)> suspects)
    {
        var groups = new Dictionary<LeakGroupKey, (long Count, long? Oldest, LeakSuspect Example)>();
        foreach ((LeakGroupKey key, LeakSuspect leak) in suspects)
        {
            if (groups.TryGetValue(key, out var group))
            {
                bool older = leak.BlockedNs > (group.Oldest ?? -1);
                groups[key] = (group.Count + 1, older ? leak.BlockedNs : group.Oldest, older ? leak : group.Example);
            }
            else
            {
                groups[key] = (1, leak.BlockedNs, leak);
            }
        }

        // A group's example is its longest blocked, so its oldest is the example's.
        List<LeakGroup> result = MergeAlike(groups.Values.Select(static g => (g.Count, g.Example)));
        SortGroups(result);
        return [.. result];
    }

    /// <summary>
    /// Groups that print alike are one group: the instantiations of a generic function each have their own <c>go</c>
    /// statement in the binary (their own gopc, so their own <see cref="LeakGroupKey"/> and verdict history), but one in
    /// the source, and Go's dump prints them alike (<c>main.(*Pool[...]).worker</c> created by
    /// <c>main.(*Pool[...]).Start</c> at <c>pool.go:20</c>). Their counts add; the longest blocked (without timestamps,
    /// the first to park) gives the example, and with it the rule and evidence.
    /// </summary>
    private static List<LeakGroup> MergeAlike(IEnumerable<(long Count, LeakSuspect Example)> groups)
    {
        var at = new Dictionary<(string?, string?, string?, string, int), int>();
        var merged = new List<(long Count, LeakSuspect Example)>();
        foreach ((long count, LeakSuspect example) in groups)
        {
            var key = (example.StartFunction, example.Creator, example.CreatedAt, example.Reason, example.ReasonCode);
            if (!at.TryGetValue(key, out int index))
            {
                at[key] = merged.Count;
                merged.Add((count, example));
                continue;
            }

            (long seenCount, LeakSuspect seen) = merged[index];
            bool replaces = ExampleKey(example.BlockedNs, example.Line) > ExampleKey(seen.BlockedNs, seen.Line);
            merged[index] = (seenCount + count, replaces ? example : seen);
        }

        return [.. merged.Select(static m => GroupOf(m.Example, m.Count, m.Example.BlockedNs))];
    }

    /// <summary>
    /// Orders the candidates for a waiting group's example: the longest blocked is the greatest; without timestamps,
    /// the first to park.
    /// </summary>
    private static long ExampleKey(long? blockedNs, long parkLine) => blockedNs ?? -parkLine;

    /// <summary>Waiting goroutines by group, each with its longest blocked as the example; biggest first.</summary>
    private static LeakGroup[] WaitingGroups(Dictionary<LeakGroupKey, (long Count, LeakSuspect Example)> waiting)
    {
        List<LeakGroup> result = MergeAlike(waiting.Values);
        SortGroups(result);
        return [.. result];
    }

    private static LeakGroup GroupOf(LeakSuspect example, long count, long? oldest) => new()
    {
        StartFunction = example.StartFunction,
        Creator = example.Creator,
        Reason = example.Reason,
        ReasonCode = example.ReasonCode,
        Count = count,
        OldestBlockedNs = oldest,
        ExampleG = example.G,
        StartWrapper = example.StartWrapper,
        CreatedAt = example.CreatedAt,
        Verdict = example.Verdict,
        Rule = example.Rule,
        Evidence = example.Evidence,
    };

    private static void SortGroups(List<LeakGroup> result) =>
        result.Sort(static (a, b) =>
            a.Count != b.Count ? b.Count.CompareTo(a.Count)
            : (a.OldestBlockedNs ?? -1) != (b.OldestBlockedNs ?? -1) ? (b.OldestBlockedNs ?? -1).CompareTo(a.OldestBlockedNs ?? -1)
            : string.CompareOrdinal(a.StartFunction, b.StartFunction) is var byName && byName != 0 ? byName
            : a.ReasonCode.CompareTo(b.ReasonCode));

    /// <summary>
    /// Groups suspects that printed <c>obj=</c> by that address, keeping the objects two or more of them wait on; biggest
    /// first. An object only one leak waits on says nothing its leak line does not (<c>on 0x…</c>), and a server that
    /// leaks a goroutine per request on the request's own channel would otherwise list every leak a second time. A
    /// mutex, RWMutex or WaitGroup wait is left out: its <c>obj=</c> is the runtime's semaphore bucket, which unrelated
    /// locks share (<see cref="ReasonKeys.IsSemaphoreBucket(byte)"/>), so two leaks on it need not wait on one lock.
    /// </summary>
    private static WaitObjectGroup[] WaitObjects(LeakSuspect[] leaks)
    {
        var groups = new Dictionary<ulong, (long Count, LeakSuspect First)>();
        foreach (LeakSuspect leak in leaks)
        {
            if (leak.Obj is not { } obj || obj == 0 || ReasonKeys.IsSemaphoreBucket(leak.Reason))
            {
                continue;
            }

            groups[obj] = groups.TryGetValue(obj, out var group) ? (group.Count + 1, group.First) : (1, leak);
        }

        var result = new List<WaitObjectGroup>(groups.Count);
        foreach ((ulong obj, (long count, LeakSuspect first)) in groups)
        {
            if (count < 2)
            {
                continue;
            }

            result.Add(new WaitObjectGroup
            {
                Obj = obj,
                Count = count,
                Reason = first.Reason,
                ReasonCode = first.ReasonCode,
                StartFunction = first.StartFunction,
                ExampleG = first.G,
            });
        }

        result.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Obj.CompareTo(b.Obj));
        return [.. result];
    }

    /// <summary>Why the report may not show the whole run: the input was cut, the tracer failed, reading stopped, a limit was hit.</summary>
    private static List<(IncompleteReason Reason, string Text)> IncompleteReasons(in EngineReadout r)
    {
        var reasons = new List<(IncompleteReason, string)>();
        foreach ((IncompleteReason reason, string? detail) in r.EndedEarly)
        {
            reasons.Add((reason, detail ?? IncompleteText(reason)));
        }

        if (r.EndedMidLine)
        {
            reasons.Add((IncompleteReason.EndedMidLine, IncompleteText(IncompleteReason.EndedMidLine)));
        }

        if (r.Accounting.Lines(LineCategory.TracerFatal) > 0)
        {
            reasons.Add((IncompleteReason.TracerFatal, IncompleteText(IncompleteReason.TracerFatal)));
        }

        if (r.Accounting.Lines(LineCategory.DataLoss) > 0)
        {
            reasons.Add((IncompleteReason.DataLoss, IncompleteText(IncompleteReason.DataLoss)));
        }

        if (r.State.DroppedCreates > 0)
        {
            reasons.Add((IncompleteReason.GoroutineLimit, string.Create(CultureInfo.InvariantCulture,
                $"{r.State.DroppedCreates} goroutines were not tracked: more than {r.Options.MaxGoroutines} were live (--max-goroutines); leaks among them are not reported")));
        }

        return reasons;
    }

    private static string IncompleteText(IncompleteReason reason) => reason switch
    {
        IncompleteReason.EndedMidLine => "the last line had no newline: the input may have been cut (a tracer killed mid-write, a truncated file)",
        IncompleteReason.TracerFatal => "the tracer reported a fatal error",
        IncompleteReason.DataLoss => "the tracer lost data",
        IncompleteReason.Interrupted => "reading was interrupted",
        IncompleteReason.TracerFailed => "the tracer failed",
        _ => "goroutines were not tracked past --max-goroutines",
    };

    /// <summary>Bounded-memory limits that were reached, and late events: each means data was not kept or not in order.</summary>
    private static IEnumerable<TraceWarning> LimitWarnings(EngineReadout r)
    {
        if (r.State.DroppedCreates > 0)
        {
            yield return new TraceWarning
            {
                Kind = WarningKind.Limit,
                Line = r.State.FirstDroppedLine,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{r.State.DroppedCreates} creates not tracked: {r.Options.MaxGoroutines} goroutines were live (MaxGoroutines, --max-goroutines)"),
            };
        }

        foreach (TraceWarning warning in r.Orderer.Warnings(r.Options.MaxPendingEvents))
        {
            yield return warning;
        }

        if (r.Names.Overflowed > 0)
        {
            yield return new TraceWarning
            {
                Kind = WarningKind.Limit,
                Line = 0,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{r.Names.Overflowed} function names past the cap of {NameTable.MaxNames} distinct names are reported as '{NameTable.OverflowName}'"),
            };
        }
    }

    private static string? NameOrNull(NameTable names, int id) => id == 0 ? null : names.GetName(id);
}
