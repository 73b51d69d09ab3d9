using GoTraceEngine.State;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// How a goroutine read out of a process's memory is told to the engine: its <c>g.waitreason</c> becomes the code the
/// trace's parks carry for the same wait, for each Go era; a wait that is not blocking is not written. The reading
/// itself is tested live (<see cref="LiveTraceTests"/>: the attach test's prefetchers).
/// </summary>
public sealed class GoroutineSnapshotTests
{
    [Theory]
    [InlineData(1, 21, "chan receive", "chan receive")]
    [InlineData(1, 22, "chan receive", "chan receive")]
    [InlineData(1, 22, "chan send", "chan send")]
    [InlineData(1, 22, "select", "select")]
    [InlineData(1, 22, "select (no cases)", "forever")]
    [InlineData(1, 22, "chan receive (nil chan)", "forever")]
    [InlineData(1, 22, "sync.Cond.Wait", "sync.(*Cond).Wait")]
    [InlineData(1, 22, "sync.Mutex.Lock", "sync")]
    [InlineData(1, 22, "semacquire", "sync")]
    [InlineData(1, 24, "sync.WaitGroup.Wait", "sync")]
    [InlineData(1, 27, "sync.RWMutex.RLock", "sync")]
    [InlineData(1, 27, "chan send", "chan send")]
    [InlineData(1, 27, "select", "select")]
    public void BlockingWaits_BecomeTheTraceReasonOfTheSameWait(int major, int minor, string wait, string traced)
    {
        var version = new GoVersion(major, minor);
        ReasonTable waits = ReasonTable.For(ReasonNumbering.Wait, version);
        ReasonTable trace = ReasonTable.For(ReasonNumbering.Trace, version);
        byte[] map = GoroutineSnapshot.TraceReasons(waits, trace);

        byte code = Code(waits, wait);
        Assert.Equal(traced, trace.GetName(map[code]));
        Assert.True(trace.IsBlocking(map[code]));
    }

    [Theory]
    [InlineData(1, 22, "IO wait")]
    [InlineData(1, 22, "sleep")]
    [InlineData(1, 22, "GC worker (idle)")]
    [InlineData(1, 27, "finalizer wait")]
    [InlineData(1, 27, "chan receive (durable)")]
    public void OtherWaits_AreNotWritten(int major, int minor, string wait)
    {
        var version = new GoVersion(major, minor);
        ReasonTable waits = ReasonTable.For(ReasonNumbering.Wait, version);
        byte[] map = GoroutineSnapshot.TraceReasons(waits, ReasonTable.For(ReasonNumbering.Trace, version));
        Assert.Equal(0, map[Code(waits, wait)]);
    }

    [Fact]
    public void EveryBlockingWait_OfEveryEra_HasATraceReason()
    {
        foreach (int minor in new[] { 21, 22, 23, 24, 25, 26, 27 })
        {
            var version = new GoVersion(1, minor);
            ReasonTable waits = ReasonTable.For(ReasonNumbering.Wait, version);
            byte[] map = GoroutineSnapshot.TraceReasons(waits, ReasonTable.For(ReasonNumbering.Trace, version));
            for (int code = 1; code < 256; code++)
            {
                Assert.Equal(waits.IsBlocking((byte)code), map[code] != 0);
            }
        }
    }

    private static byte Code(ReasonTable table, string name)
    {
        for (int code = 0; code < 256; code++)
        {
            if (table.IsKnown((byte)code) && table.GetName((byte)code) == name)
            {
                return (byte)code;
            }
        }

        throw new ArgumentException($"{table.Id} has no '{name}'", nameof(name));
    }
}
