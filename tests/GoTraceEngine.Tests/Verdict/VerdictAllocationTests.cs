using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

public sealed class VerdictAllocationTests
{
    private struct RecordingSink : ITraceSink
    {
        public List<TraceEvent>? Events;

        public readonly void OnEvent(in TraceEvent e) => Events!.Add(e);
    }

    private static TraceEvent[] BusyEvents()
    {
        (byte[] data, _) = VerdictEvaluation.Generate(new BusyTraceOptions { Seed = 5, Live = 2_000, Duration = TimeSpan.FromSeconds(30), LeakIncidentsPerMinute = 12 });
        var engine = new TraceEngine<RecordingSink>(default, new RecordingSink { Events = [] });
        engine.Feed(data);
        engine.Complete();
        return [.. engine.Sink.Events!];
    }

    [Fact]
    public void Verdict_WarmBusyTrace_AllocatesNothingPerEvent()
    {
        TraceEvent[] events = BusyEvents();
        Assert.True(events.Length > 100_000);
        var driver = new VerdictDriver(1 << 16);
        foreach (ref readonly TraceEvent e in events.AsSpan())
        {
            driver.OnEvent(in e);
        }

        // Warm: the group table has grown to the trace's groups and the bookkeeping to its goroutines. The same
        // events again exercise every path (parks, releases, untracked releases, repeats, object evictions).
        long releases = driver.Verdict.Releases;
        Allocations.Measure(1, _ =>
        {
            foreach (ref readonly TraceEvent e in events.AsSpan())
            {
                driver.OnEvent(in e);
            }
        }, maxWarmUpCalls: 1).AssertNone(1);
        Assert.True(driver.Verdict.Releases > 2 * releases - 100, "the second pass released goroutines as the first did");
        Assert.True(driver.Verdict.UntrackedReleases > 0);
        Assert.True(driver.Verdict.Objects.Evictions > 0, "the busy trace has more wait objects than the sketch holds");
    }

    [Fact]
    public void Classify_IsAllocationFree()
    {
        TraceEvent[] events = BusyEvents();
        var driver = new VerdictDriver(1 << 16);
        var recorded = new List<ulong>();
        foreach (ref readonly TraceEvent e in events.AsSpan())
        {
            driver.OnEvent(in e);
        }

        foreach (TraceEvent e in events)
        {
            if (e.Kind == TraceEventKind.Park && driver.TryClassify(e.GPointer, out _))
            {
                recorded.Add(e.GPointer);
            }
        }

        ulong[] blocked = [.. recorded.Distinct()];
        Assert.True(blocked.Length > 100);
        int leaks = 0;
        Allocations.Measure(1, _ =>
        {
            leaks = 0;
            foreach (ulong g in blocked)
            {
                driver.TryClassify(g, out VerdictEvidence evidence);
                leaks += evidence.Class == VerdictClass.Leak ? 1 : 0;
            }
        }).AssertNone(1);
        Assert.True(leaks > 0);
    }
}
