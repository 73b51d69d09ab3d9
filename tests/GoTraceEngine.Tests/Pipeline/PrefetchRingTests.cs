using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>The prefetch ring delays events, never reorders or loses them: the engine ends where applying them in order does.</summary>
public sealed class PrefetchRingTests
{
    private struct Recording : ITraceSink
    {
        public List<TraceEvent>? Events;

        public readonly void OnEvent(in TraceEvent e) => Events!.Add(e);
    }

    [Theory]
    [InlineData(TraceFormat.Quiet)]
    [InlineData(TraceFormat.Full)]
    public void Replay_TablesPastTheCaches_SameStateAsApplyingInOrder(TraceFormat format)
    {
        // 60 000 live goroutines: the live table passes 1 MiB, so the ring is in use.
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 9, Format = format, Events = 400_000, Live = 60_000, Leaks = 50 }).Write(buffer);
        byte[] trace = buffer.ToArray();

        var engine = new TraceEngine<Recording>(default, new Recording { Events = new List<TraceEvent>(400_100) });
        int at = 0;
        var random = new Random(3);
        while (at < trace.Length)
        {
            int n = Math.Min(random.Next(1, 1 << 16), trace.Length - at);
            engine.Feed(trace.AsSpan(at, n));
            at += n;
        }

        engine.Complete();
        Assert.True(engine.State.Live.IsPrefetchUseful, "the table never grew past the caches: the ring was not tested");

        // The same events, as the sink saw them, applied straight to a fresh state.
        var state = new GoroutineState(engine.Reasons, 1024);
        long previousLine = 0;
        foreach (TraceEvent e in engine.Sink.Events!)
        {
            if (format == TraceFormat.Quiet)
            {
                Assert.True(e.LineNumber > previousLine, "events reached the sink out of line order");
                previousLine = e.LineNumber;
            }

            state.Apply(in e);
        }

        Assert.Equal(state.Live.Count, engine.Live.Count);
        Assert.Equal(state.Blocked.Count, engine.Blocked.Count);
        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            Assert.True(state.Blocked.ContainsKey(blocked.GPointer));
        }

        TraceSummary summary = engine.GetSummary();
        Assert.Equal(summary.Lines.Events, engine.Sink.Events!.Count);
        Assert.Equal(0, summary.Timing.Pending);
    }
}
