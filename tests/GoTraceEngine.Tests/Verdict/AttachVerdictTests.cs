using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// A trace attached to a running program: most goroutines were created before it. A park that names its goroutine
/// (<c>fn=</c>, as the bundled scripts print in an attach) makes the engine follow it from there on, and a group whose
/// goroutines predate the trace and ran in it is no group that "never released anything".
/// </summary>
public sealed class AttachVerdictTests
{
    private const string Header = "# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n";

    [Fact]
    public void NamedParkOfAGoroutineNeverSeenCreated_IsFollowedFromThere()
    {
        TraceSummary summary = Replays.Whole(Header
            + "gopark: ts=1000000 goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.poll creator=main.main\n"
            + "ready: ts=2000000 goroutine=c000001000\n"
            + "gopark: ts=3000000 goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.poll creator=main.main\n"
            + "gopark: ts=3000000 goroutine=c000002000 reason=3 obj=0\n"
            + "ready: ts=4000000 goroutine=c000002000\n");
        Assert.Equal(1, summary.Live);
        Assert.Equal(1, summary.Blocked);
        Assert.Equal(new AnomalyCounts { MissedDestroy = 0, UntrackedPark = 2, Adopted = 1, UntrackedReady = 1, UntrackedDestroy = 0 }, summary.Anomalies);
    }

    [Fact]
    public void GroupOfGoroutinesOlderThanTheTrace_NoReleaseSeenYet_IsLikelyNotLeaked_WhileANewGroupThatNeverReleasesLeaks()
    {
        const long Ms = 1_000_000;
        var text = new StringBuilder(Header);
        long ts = Ms;

        // Long polls created before the trace: each wakes once early in the window (readied: it was waiting), then
        // parks again for longer than the window lasts.
        for (int i = 0; i < 8; i++, ts += Ms)
        {
            text.Append($"ready: ts={ts} goroutine=c0000{i:x2}000\n");
            text.Append($"gopark: ts={ts + 1} goroutine=c0000{i:x2}000 reason=3 obj=0 goid={100 + i} fn=main.poll creator=main.main\n");
        }

        // Requests the trace sees created: a handler group released every few ms all along, and an audit goroutine per
        // second that nothing ever releases.
        for (int step = 0; step < 4000; step++, ts += Ms)
        {
            text.Append($"newproc1: ts={ts} goroutine=d000{step % 50:x3}000 goid={1000 + step} fn=main.handle creator=main.serve\n");
            text.Append($"gopark: ts={ts + 1} goroutine=d000{step % 50:x3}000 reason=6 obj=c0000ff000\n");
            text.Append($"ready: ts={ts + (2 * Ms)} goroutine=d000{step % 50:x3}000\n");
            text.Append($"godestroy: ts={ts + (2 * Ms) + 1} goroutine=d000{step % 50:x3}000\n");
            if (step % 1000 == 500)
            {
                text.Append($"newproc1: ts={ts} goroutine=e000{step:x4}00 goid={9000 + step} fn=main.audit creator=main.handle\n");
                text.Append($"gopark: ts={ts + 1} goroutine=e000{step:x4}00 reason=3 obj=0\n");
            }
        }

        TraceSummary summary = Replays.Whole(text.ToString());
        LeakGroup leaked = Assert.Single(summary.LeakGroups);
        Assert.Equal(("main.audit", 4), (leaked.StartFunction, leaked.Count));
        LeakGroup polls = Assert.Single(summary.LikelyGroups);
        Assert.Equal(("main.poll", 8), (polls.StartFunction, polls.Count));
        Assert.Contains("its goroutines created before the trace ran in it (8 parks)", polls.Evidence, StringComparison.Ordinal);
        Assert.All(summary.Likely, l => Assert.Equal(0, l.CreateLine));

        var report = new StringWriter { NewLine = "\n" };
        ReportWriter.WriteText(summary, report);
        Assert.Contains("created before the trace", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("untracked park 8 (8 of them followed on: created before the trace)", report.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, LeakClass.Likely)]
    [InlineData(false, LeakClass.Leak)]
    public void GroupWithOlderGoroutines_AFewShortReleases_AreNoMeasureOfItsWaits(bool olderThanTheTrace, LeakClass expected)
    {
        // A pool worker released once after 100 µs, then idle for 4 s while the program keeps working. Created in the
        // trace, that is far beyond its group's releases; created before it, the trace saw too little of its waits.
        const long Ms = 1_000_000;
        var text = new StringBuilder(Header);
        text.Append(olderThanTheTrace
            ? "ready: ts=1000000 goroutine=c000001000\n"
            : "newproc1: ts=1000000 goroutine=c000001000 goid=7 fn=main.poolWorker creator=main.main\n");
        text.Append("gopark: ts=1000001 goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.poolWorker creator=main.main\n");
        text.Append("ready: ts=1100000 goroutine=c000001000\n");
        text.Append("gopark: ts=1200000 goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.poolWorker creator=main.main\n");
        foreach ((_, string line) in Handlers(2 * Ms, 4000 * Ms))
        {
            text.Append(line).Append('\n');
        }

        TraceSummary summary = Replays.Whole(text.ToString());
        LeakSuspect worker = Assert.Single(summary.Leaks.Concat(summary.Likely));
        Assert.Equal(("main.poolWorker", expected), (worker.StartFunction, worker.Verdict));
        if (olderThanTheTrace)
        {
            Assert.Contains("but it holds goroutines created before the trace (2 parks)", worker.Evidence, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true, LeakClass.Likely)]
    [InlineData(false, LeakClass.Leak)]
    public void LoopOlderThanTheTrace_ABurstOfShortWaits_IsNoMeasureOfItsLongOnes(bool olderThanTheTrace, LeakClass expected)
    {
        // A dispatcher: a select on a timer for seconds, then a burst of sends to a pool, each a select of a few ms (one
        // group: same goroutine, same reason). The window sees its timer fire, one burst of 20 sends, and its next timer
        // wait, 2.9 s long when the window closes. Created before the trace, that burst is all the trace saw of a
        // goroutine that was alive long before: no measure of its timer's waits. Created in the trace, the trace saw
        // all its life: 20 waits of 5 ms, then one 600 times longer.
        const long Ms = 1_000_000;
        var text = new StringBuilder(Header);
        text.Append(olderThanTheTrace
            ? "ready: ts=1000000 goroutine=c000001000\n"
            : "newproc1: ts=1000000 goroutine=c000001000 goid=7 fn=main.dispatch creator=main.main\n");
        long ts = 2 * Ms;
        for (int send = 0; send < 20; send++, ts += 6 * Ms)
        {
            text.Append($"gopark: ts={ts} goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.dispatch creator=main.main\n");
            text.Append($"ready: ts={ts + (5 * Ms)} goroutine=c000001000\n");
        }

        text.Append($"gopark: ts={ts} goroutine=c000001000 reason=3 obj=0 goid=7 fn=main.dispatch creator=main.main\n");
        foreach ((_, string line) in Handlers(ts + Ms, ts + (2_900 * Ms)))
        {
            text.Append(line).Append('\n');
        }

        TraceSummary summary = Replays.Whole(text.ToString());
        LeakSuspect dispatch = Assert.Single(summary.Leaks.Concat(summary.Likely));
        Assert.Equal(("main.dispatch", expected), (dispatch.StartFunction, dispatch.Verdict));
    }

    [Theory]
    [InlineData(20, LeakClass.Leak)]
    [InlineData(4, LeakClass.Likely)]
    public void PoolOlderThanTheTrace_EachGoroutineIsOneEpisode_HoweverOftenItWakes(int pollers, LeakClass expected)
    {
        // Pollers created before the trace, each followed from its first park: it waits 10 ms on a select, five times
        // over. One more poller parks and never wakes while the program runs on for 3 s. Twenty pollers are twenty
        // independent measures of the group's wait: 3 s is far beyond them. Four pollers waking five times each are
        // twenty releases but four measures: too few to call the stuck one leaked.
        const long Ms = 1_000_000;
        var events = new List<(long Ts, string Line)>();
        for (int i = 0; i < pollers; i++)
        {
            long ts = (i * Ms) + 1;
            events.Add((ts - 1, $"ready: ts={ts - 1} goroutine=c0000{i:x2}000"));
            for (int wait = 0; wait < 5; wait++, ts += 20 * Ms)
            {
                events.Add((ts, $"gopark: ts={ts} goroutine=c0000{i:x2}000 reason=3 obj=0 goid={100 + i} fn=main.poll creator=main.main"));
                events.Add((ts + (10 * Ms), $"ready: ts={ts + (10 * Ms)} goroutine=c0000{i:x2}000"));
            }
        }

        events.Add((150 * Ms, "ready: ts=150000000 goroutine=c0000ff000"));
        events.Add(((150 * Ms) + 1, "gopark: ts=150000001 goroutine=c0000ff000 reason=3 obj=0 goid=99 fn=main.poll creator=main.main"));
        events.AddRange(Handlers(2 * Ms, 3_200 * Ms));

        TraceSummary summary = Replays.Whole(Header + string.Concat(events.OrderBy(e => e.Ts).Select(e => e.Line + "\n")));
        LeakSuspect stuck = Assert.Single(summary.Leaks.Concat(summary.Likely));
        Assert.Equal((99L, "main.poll", expected), (stuck.GoId!.Value, stuck.StartFunction, stuck.Verdict));
        Assert.Contains($"({5 * pollers} releases over {(5 * pollers) + 1} parks)", stuck.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_600, LeakClass.Likely)]
    [InlineData(5_200, LeakClass.Leak)]
    public void NewGroupThatNeverReleases_IsJudgedAgainstTheLongestWaitOfGoroutinesOlderThanTheTrace(int endMs, LeakClass expected)
    {
        // Ten sessions older than the trace, each followed from its first park: the first wakes after 50 ms (so the
        // group's first release is quick), the others after 3 s. A new group parks at 200 ms and never wakes: it is
        // judged against 1.5 × 3 s, not 1.5 × the 50 ms first release.
        const long Ms = 1_000_000;
        var events = new List<(long Ts, string Line)>();
        for (int i = 0; i < 10; i++)
        {
            long parked = (i * 100 * Ms) + 1;
            events.Add((parked - 1, $"ready: ts={parked - 1} goroutine=c0000{i:x2}000"));
            events.Add((parked, $"gopark: ts={parked} goroutine=c0000{i:x2}000 reason=3 obj=0 goid={100 + i} fn=main.session creator=main.accept"));
            long woke = parked + (i == 0 ? 50 * Ms : 3_000 * Ms);
            events.Add((woke, $"ready: ts={woke} goroutine=c0000{i:x2}000"));
            events.Add((woke + 1, $"gopark: ts={woke + 1} goroutine=c0000{i:x2}000 reason=3 obj=0 goid={100 + i} fn=main.session creator=main.accept"));
        }

        events.Add((200 * Ms, $"newproc1: ts={200 * Ms} goroutine=e000001000 goid=900 fn=main.audit creator=main.handle"));
        events.Add(((200 * Ms) + 1, $"gopark: ts={(200 * Ms) + 1} goroutine=e000001000 reason=3 obj=0"));
        events.AddRange(Handlers(2 * Ms, endMs * Ms));

        TraceSummary summary = Replays.Whole(Header + string.Concat(events.Where(e => e.Ts < endMs * Ms).OrderBy(e => e.Ts).Select(e => e.Line + "\n")));
        LeakSuspect audit = Assert.Single(summary.Leaks.Concat(summary.Likely), l => l.StartFunction == "main.audit");
        Assert.Equal(expected, audit.Verdict);
        Assert.Contains("goroutines older than the trace were seen waiting 3 s and still woke", audit.Evidence, StringComparison.Ordinal);
    }

    /// <summary>
    /// The program's other work, every millisecond from <paramref name="from"/> to before <paramref name="to"/>: a
    /// handler created, parked on a send for half a millisecond, released and gone. Its lines in time order.
    /// </summary>
    private static IEnumerable<(long Ts, string Line)> Handlers(long from, long to)
    {
        const long Ms = 1_000_000;
        for (long ts = from; ts < to; ts += Ms)
        {
            yield return (ts, $"newproc1: ts={ts} goroutine=d000{ts / Ms % 50:x3}000 fn=main.handle creator=main.serve");
            yield return (ts + 1, $"gopark: ts={ts + 1} goroutine=d000{ts / Ms % 50:x3}000 reason=6 obj=c0000ff000");
            yield return (ts + (Ms / 2), $"ready: ts={ts + (Ms / 2)} goroutine=d000{ts / Ms % 50:x3}000");
            yield return (ts + (Ms / 2) + 1, $"godestroy: ts={ts + (Ms / 2) + 1} goroutine=d000{ts / Ms % 50:x3}000");
        }
    }
}
