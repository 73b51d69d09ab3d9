using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Pipeline;

public sealed class TraceEngineAllocationTests
{
    /// <summary>Counts events with a struct sink, proving the generic sink path sees every event.</summary>
    private struct CountingSink : ITraceSink
    {
        public long Events;
        public ulong Checksum;

        public void OnEvent(in TraceEvent e)
        {
            Events++;
            Checksum += e.GPointer + (ulong)e.Kind;
        }
    }

    private static byte[] SteadyStateTrace()
    {
        // Every goroutine ends where it started: create, park (blocking and not), ready, destroy; plus every other line
        // shape the engine skips, quiet and non-quiet, CRLF included.
        var builder = new StringBuilder();
        builder.Append("CPU     ID                    FUNCTION:NAME\n");
        for (int i = 0; i < 200; i++)
        {
            ulong g = 0xc000000000UL + ((ulong)(i % 37) << 10);
            builder.Append(Invariant($"newproc1: goroutine={g:x} parent={i} count=1 blocked_count=0\n"));
            builder.Append(Invariant($"  3  80131             runtime.gopark:entry gopark: goroutine={g:x} blocked=1 reason={1 + (i % 7)} blocked_count=1\r\n"));
            builder.Append('\n');
            builder.Append(Invariant($"ready: goroutine={g:x}\n"));
            builder.Append(Invariant($"gopark: goroutine={g:x} blocked=0 reason=2 blocked_count=0\n"));
            builder.Append("program output line\n");
            builder.Append("              leaky`main.Gather+0x74\n");
            builder.Append(Invariant($"godestroy: goroutine={g:x} count=0 blocked_count=0\n"));
            builder.Append("profile-1s: count=0 blocked_count=0\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    [Fact]
    public void Feed_WarmSteadyState_AllocatesNothing()
    {
        byte[] trace = SteadyStateTrace();
        var engine = new TraceEngine<CountingSink>(default, default);
        engine.Feed(trace);

        AllocationMeasurement measured = Allocations.Measure(50, _ => engine.Feed(trace));
        measured.AssertNone(50);
        Assert.Equal((1 + measured.Calls) * 200 * 6, engine.Sink.Events);
        Assert.Equal(0, engine.Live.Count);
    }

    [Fact]
    public void Feed_WarmSteadyStateCutIntoChunks_AllocatesNothing()
    {
        byte[] trace = SteadyStateTrace();
        var engine = new TraceEngine();
        engine.FeedSequence(SequenceFactory.SplitInThree(trace));
        var sequence = SequenceFactory.Create(trace[..1000], trace[1000..1001], trace[1001..5003], trace[5003..]);

        Allocations.Measure(50, _ => engine.FeedSequence(sequence)).AssertNone(50);
    }

    [Fact]
    public void Feed_SeedFixturesRepeated_AllocatesNothingOnceWarm()
    {
        byte[] trace = Fixtures.Read("fixed-nonquiet.dtrace.txt");
        var engine = new TraceEngine();
        engine.Feed(trace);
        AllocationMeasurement measured = Allocations.Measure(1000, _ => engine.Feed(trace));
        measured.AssertNone(1000);
        Assert.Equal((1 + measured.Calls) * 8, engine.EventsRead);
    }

    private static byte[] FullFormatTrace(long startTs, int cycles)
    {
        // The full format, timestamps rising, lines from two CPUs interleaved out of order within the window.
        var builder = new StringBuilder();
        long ts = startTs;
        for (int i = 0; i < cycles; i++)
        {
            ulong g = 0xc000000000UL + ((ulong)(i % 41) << 10);
            long t0 = ts;
            builder.Append(Invariant($"gopark: ts={t0 + 1000} goroutine={g:x} reason=6 wait=15 obj=c000020060\n"));
            builder.Append(Invariant($"newproc1: ts={t0} goroutine={g:x} parent=824633749504 goid={i + 18} fn=main.Gather.func1 creator=main.Gather\n"));
            builder.Append(Invariant($"ready: ts={t0 + 5000} goroutine={g:x}\n"));
            builder.Append(Invariant($"godestroy: ts={t0 + 7000} goroutine={g:x}\n"));
            if (i % 50 == 0)
            {
                builder.Append(Invariant($"profile-1s: ts={t0 + 6000}\n"));
            }

            ts += 10_000;
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    [Fact]
    public void Feed_WarmFullFormatWithReordering_AllocatesNothing()
    {
        const int Cycles = 2_000;
        const int Chunk = 500;
        const int MaxWarmUp = 16;
        const int Measured = 10;
        byte[] warm = FullFormatTrace(1_000_000_000, Cycles);
        long next = 1_000_000_000 + (Cycles * 10_000L);
        byte[][] chunks = [.. Enumerable.Range(0, MaxWarmUp + (5 * Measured)).Select(k => FullFormatTrace(next + (k * Chunk * 10_000L), Chunk))];
        // A 10 ms window holds ~1000 cycles: the warm-up fills it, so the measured part runs at a steady size.
        var engine = new TraceEngine<CountingSink>(new TraceEngineOptions { ReorderWindow = TimeSpan.FromMilliseconds(10) }, default);
        engine.Feed("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n"u8);
        engine.Feed(warm);

        AllocationMeasurement measured = Allocations.Measure(Measured, i => engine.Feed(chunks[i]), MaxWarmUp);
        measured.AssertNone(Measured);
        engine.Complete();
        Assert.Equal((Cycles * 4) + (Cycles / 50) + (measured.Calls * ((Chunk * 4) + (Chunk / 50))), engine.Sink.Events);
        Assert.Equal(0, engine.GetSummary().Timing.Late);
        Assert.Equal(0, engine.Live.Count);
    }
}
