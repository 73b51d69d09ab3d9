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

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            engine.Feed(trace);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(51 * 200 * 6, engine.Sink.Events);
        Assert.Equal(0, engine.Live.Count);
    }

    [Fact]
    public void Feed_WarmSteadyStateCutIntoChunks_AllocatesNothing()
    {
        byte[] trace = SteadyStateTrace();
        var engine = new TraceEngine();
        engine.FeedSequence(SequenceFactory.SplitInThree(trace));
        var sequence = SequenceFactory.Create(trace[..1000], trace[1000..1001], trace[1001..5003], trace[5003..]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            engine.FeedSequence(sequence);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Feed_SeedFixturesRepeated_AllocatesNothingOnceWarm()
    {
        byte[] trace = Fixtures.Read("fixed-nonquiet.dtrace.txt");
        var engine = new TraceEngine();
        engine.Feed(trace);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            engine.Feed(trace);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1001 * 8, engine.EventsRead);
    }
}
