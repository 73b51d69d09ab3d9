using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Pipeline;

public sealed class TraceEngineTimingTests
{
    private const string Fixture = "pool-full.trace.txt";

    private static TraceSummary Replay(string text, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine(options);
        engine.Feed(Encoding.UTF8.GetBytes(text));
        engine.Complete();
        return engine.GetSummary();
    }

    private static long Ts(string line)
    {
        int at = line.IndexOf("ts=", StringComparison.Ordinal);
        int end = line.IndexOf(' ', at);
        return long.Parse(line.AsSpan(at + 3, (end < 0 ? line.Length : end) - at - 3), CultureInfo.InvariantCulture);
    }

    /// <summary>What must not depend on arrival order: everything but line numbers and reorder statistics.</summary>
    private static string OrderFree(TraceSummary s) => string.Join('\n',
        s.Live, s.Blocked, string.Join(',', s.BlockedByReason), s.Events, s.Anomalies, s.Timing.Late,
        string.Join(';', s.LeakGroups), string.Join(';', s.WaitObjects),
        string.Join(';', s.Leaks.Select(l => (l.G, l.Reason, l.GoId, l.StartFunction, l.Creator, l.BlockedNs, l.Obj, l.WaitReason))));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Replay_LinesShuffledWithinTheWindow_GiveTheIdenticalReport(int seed)
    {
        string[] lines = File.ReadAllLines(Fixtures.PathOf(Fixture));
        string header = lines[0];
        string[] events = [.. lines.Skip(1).Where(l => l.Contains("ts=", StringComparison.Ordinal)).OrderBy(Ts)];
        string[] others = [.. lines.Skip(1).Where(l => !l.Contains("ts=", StringComparison.Ordinal))];

        // Shuffle inside 1.5 s buckets of trace time: nothing arrives more than 1.5 s after a later event (window 2 s).
        var random = new Random(seed);
        var shuffled = new List<string> { header };
        shuffled.AddRange(others);
        foreach (IGrouping<long, string> bucket in events.GroupBy(l => Ts(l) / 1_500_000_000))
        {
            shuffled.AddRange(bucket.OrderBy(_ => random.Next()));
        }

        TraceSummary expected = Replay(File.ReadAllText(Fixtures.PathOf(Fixture)));
        TraceSummary actual = Replay(string.Join('\n', shuffled) + "\n");
        Assert.Equal(OrderFree(expected), OrderFree(actual));
        Assert.Equal(0, actual.Timing.Late);
        Assert.Equal(6, actual.Leaks.Count);
    }

    [Fact]
    public void Replay_LineMovedBeyondTheWindow_IsLateAndStillApplied()
    {
        List<string> lines = [.. File.ReadAllLines(Fixtures.PathOf(Fixture))];
        int park = lines.FindIndex(l => l.StartsWith("gopark: ts=1900000000 ", StringComparison.Ordinal));
        string moved = lines[park];
        lines.RemoveAt(park);
        lines.Insert(lines.Count - 1, moved);

        TraceSummary summary = Replay(string.Join('\n', lines) + "\n");
        Assert.Equal(1, summary.Timing.Late);
        // It arrived after events up to ~3.6 s had been applied: 1.9 s is ~1.7 s behind them.
        Assert.True(summary.Timing.MaxLatenessNs > 1_000_000_000, $"lateness {summary.Timing.MaxLatenessNs}");
        Assert.Equal(3, summary.LeakGroups[0].Count);
        Assert.Equal(4_100_000_000, summary.LeakGroups[0].OldestBlockedNs);
        var text = new StringWriter();
        ReportWriter.WriteText(summary, text);
        Assert.Contains("1 late", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_LateLinesUnderASubMillisecondWindow_WarningNamesTheWindowAndStaleLinesEndWithTheirMessage()
    {
        // A ready that arrives after the park at 1.5 ms was applied (the create at 2 ms moved the window past it):
        // late under a 20 µs window, and older than its goroutine's state.
        const string trace = """
            newproc1: ts=1000000 goroutine=c000010000 parent=1 goid=7 fn=main.worker creator=main.main
            gopark: ts=1500000 goroutine=c000010000 reason=7 wait=14 obj=0
            newproc1: ts=2000000 goroutine=c0000101a0 parent=1 goid=8 fn=main.worker creator=main.main
            ready: ts=1200000 goroutine=c000010000
            ready: ts=2100000 goroutine=c000010000

            """;
        TraceSummary summary = Replay(trace, new TraceEngineOptions { ReorderWindow = TimeSpan.FromMicroseconds(20) });
        Assert.Equal(1, summary.Timing.Late);
        var text = new StringWriter();
        ReportWriter.WriteText(summary, text);
        string[] report = text.ToString().Split('\n');
        Assert.Contains(report, l => l.Contains("more than the reorder window (20µs) after later ones", StringComparison.Ordinal));
        string stale = Assert.Single(report, l => l.Contains("line 4: ts=1200000 arrived after later events of its goroutine", StringComparison.Ordinal));
        Assert.EndsWith("were applied: not applied", stale.TrimEnd('\r'), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_ZeroWindow_AppliesInArrivalOrderAndCountsLateLines()
    {
        TraceSummary summary = Replay(File.ReadAllText(Fixtures.PathOf(Fixture)), new TraceEngineOptions { ReorderWindow = TimeSpan.Zero });
        Assert.True(summary.Timing.Late > 0);
        Assert.Equal(0, summary.Timing.Reordered);
    }

    [Theory]
    [InlineData(0, 6, 3)]
    [InlineData(1_000, 5, 2)]
    [InlineData(3_900, 3, 1)]
    [InlineData(4_099, 3, 1)]
    [InlineData(4_100, 1, 1)]
    [InlineData(4_101, 0, 0)]
    public void Replay_LeakAfter_CutsSuspectsByBlockedDuration(int leakAfterMs, int suspects, int groups)
    {
        TraceSummary summary = Replay(
            File.ReadAllText(Fixtures.PathOf(Fixture)),
            new TraceEngineOptions { LeakAfter = TimeSpan.FromMilliseconds(leakAfterMs) });
        Assert.Equal(suspects, summary.Leaks.Count);
        Assert.Equal(groups, summary.LeakGroups.Count);
        Assert.Equal(6, summary.Blocked);
        Assert.All(summary.Leaks, l => Assert.True(l.BlockedNs >= leakAfterMs * 1_000_000L));
    }

    [Fact]
    public void Replay_PoolFixture_GroupsByStartFunctionAndByWaitObject()
    {
        TraceSummary summary = Replay(File.ReadAllText(Fixtures.PathOf(Fixture)));
        Assert.Equal(
            [
                new LeakGroup { StartFunction = "main.Gather.func1", Creator = "main.Gather", Reason = "chan send", ReasonCode = 6, Count = 3, OldestBlockedNs = 4_100_000_000, ExampleG = 0xc0000071a0 },
                new LeakGroup { StartFunction = "main.worker", Creator = "main.startPool", Reason = "chan receive", ReasonCode = 7, Count = 2, OldestBlockedNs = 3_800_000_000, ExampleG = 0xc000007680 },
                new LeakGroup { StartFunction = "main.watch.func1", Creator = "main.watch", Reason = "select", ReasonCode = 3, Count = 1, OldestBlockedNs = 100_000_000, ExampleG = 0xc000007d00 },
            ],
            summary.LeakGroups.Select(g => g with { Rule = null, Evidence = null }));
        Assert.Equal(
            [
                new WaitObjectGroup { Obj = 0xc000020060, Count = 3, Reason = "chan send", ReasonCode = 6, StartFunction = "main.Gather.func1", ExampleG = 0xc0000071a0 },
                new WaitObjectGroup { Obj = 0xc0000200c0, Count = 2, Reason = "chan receive", ReasonCode = 7, StartFunction = "main.worker", ExampleG = 0xc000007680 },
            ],
            summary.WaitObjects);
        LeakSuspect first = summary.Leaks[0];
        Assert.Equal((18L, "main.Gather.func1", "main.Gather", 4_100_000_000L, "chan send", 15), (first.GoId, first.StartFunction, first.Creator, first.BlockedNs, first.WaitReason, first.WaitReasonCode));
        Assert.Equal(7, summary.Live);
        Assert.Equal(0, summary.Anomalies.Total);
        Assert.Equal(("bpftrace", "linux", "amd64", "go1.22.5"), (summary.Trace!.Tracer, summary.Trace.Os, summary.Trace.Arch, summary.Trace.GoVersion));
        Assert.Equal(5_000_000_000, summary.Timing.DurationNs);
    }

    [Fact]
    public void Replay_UntimedEndAmongTimedEvents_ComesAfterThem()
    {
        TraceSummary summary = Replay(
            "gopark: ts=100 goroutine=c000 reason=6 blocked_count=1\nEND: count=1 blocked_count=1\nnewproc1: ts=50 goroutine=c000 count=1\n");
        Assert.Equal(1, summary.Blocked);
        Assert.True(summary.ScriptCounters.Agree);
        Assert.Equal(0, summary.Timing.Late);
    }

    [Fact]
    public void GetSummary_MidStream_ReportsPendingEvents()
    {
        var engine = new TraceEngine();
        engine.Feed("newproc1: ts=1000 goroutine=c000\ngopark: ts=2000 goroutine=c000 reason=6\n"u8);
        TraceSummary before = engine.GetSummary();
        Assert.Equal(2, before.Timing.Pending);
        Assert.Equal(0, before.Live);
        Assert.False(before.Completed);
        engine.Complete();
        Assert.Equal(1, engine.GetSummary().Blocked);
    }

    [Fact]
    public void Feed_BurstPastMaxPendingEvents_StaysBounded()
    {
        var engine = new TraceEngine(new TraceEngineOptions { MaxPendingEvents = 100, ReorderWindow = TimeSpan.FromHours(1) });
        var text = new StringBuilder();
        for (int i = 0; i < 1_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"newproc1: ts={1_000 + i} goroutine={0xc000000000UL + ((ulong)i << 8):x}\n");
        }

        engine.Feed(Encoding.UTF8.GetBytes(text.ToString()));
        Assert.Equal(100, engine.PendingEvents);
        Assert.Equal(900, engine.Live.Count);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(900, summary.Timing.OverflowReleases);
        Assert.Equal(1_000, summary.Live);
        Assert.Equal(0, summary.Timing.Late);
    }
}
