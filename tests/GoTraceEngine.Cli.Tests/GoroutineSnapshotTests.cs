using System.Runtime.InteropServices;
using System.Text;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// How a goroutine read out of a process's memory is told to the engine: its <c>g.waitreason</c> becomes the code the
/// trace's parks carry for the same wait, for each Go era; a wait that is not blocking is not written. The reading is
/// tested on goroutines laid out in this process's own memory and read through <c>/proc/self/mem</c>, and live on real
/// Go programs (<see cref="LiveTraceTests"/>: the attach tests).
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

    [Fact]
    public void Step_WritesTheBlockedGoroutines_AsTheAttachScriptsParks()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/mem");
        using var memory = new FakeProcess();
        memory.G(0, status: 4, wait: 14, goid: 7, startPc: Worker, since: 1000, sudog: memory.Sudog(0, 0xabc000)); // chan receive
        memory.G(1, status: 2, wait: 0, goid: 8, startPc: Worker); // running
        memory.G(2, status: 6, wait: 14, goid: 9, startPc: Worker); // dead
        memory.G(3, status: 4, wait: 2, goid: 10, startPc: Worker); // IO wait: not blocking
        memory.G(4, status: 4, wait: 9, goid: 11, startPc: RuntimeOwn); // the runtime's own, in a select
        memory.G(5, status: 4, wait: 9, goid: 0, startPc: Worker); // no goid: not a g the runtime handed out
        memory.G(6, status: 4, wait: 15, goid: 12, startPc: Worker, sudog: memory.Sudog(5, 0xdef000)); // chan send, its sudog reused by another g: obj 0
        memory.G(7, status: 10, wait: 9, goid: 13, startPc: Worker); // Go 1.26's _Gleaked, on 1.22 nothing
        memory.G(8, status: 4 | 0x1000, wait: 9, goid: 14, startPc: Worker); // select, its stack under a GC scan
        memory.Publish(9);

        using GoroutineSnapshot snapshot = memory.Open(new GoVersion(1, 22));
        Assert.True(snapshot.ProbesAttached());
        (List<string> lines, long[] stamps) = ReadAll(snapshot);

        Assert.Equal(
            [
                $"goroutine={memory.At(0):x} reason=7 wait=14 obj=abc010 goid=7 gopc=0x4a10 fn=0x{Worker:x} creator=0x4a10 since=1000",
                $"goroutine={memory.At(6):x} reason=6 wait=15 obj=0 goid=12 gopc=0x4a10 fn=0x{Worker:x} creator=0x4a10 since={stamps[1]}",
                $"goroutine={memory.At(8):x} reason=3 wait=9 obj=0 goid=14 gopc=0x4a10 fn=0x{Worker:x} creator=0x4a10 since={stamps[2]}",
            ],
            lines);
        Assert.Equal((3, 8), (snapshot.Blocked, snapshot.Goroutines));
    }

    [Fact]
    public void Step_AGoroutineUnderAScanIsReadAgain_AndOneReleasedMeanwhileIsNotWritten()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/mem");
        using var memory = new FakeProcess();
        memory.G(0, status: 4 | 0x1000, wait: 9, goid: 7, startPc: Worker);
        memory.G(1, status: 4, wait: 9, goid: 8, startPc: Worker);
        memory.Publish(2);
        using GoroutineSnapshot snapshot = memory.Open(new GoVersion(1, 22));
        var text = new StringBuilder();
        Assert.True(snapshot.Step(text));
        Assert.DoesNotContain("goid=7 ", text.ToString(), StringComparison.Ordinal);

        // Its ready was under way, waiting for the scan: the scan ends and it runs before the second look.
        memory.SetStatus(0, 2);
        Assert.False(snapshot.Step(text));
        Assert.DoesNotContain("goid=7 ", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("goid=8 ", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OnGo126_ALeakedGoroutineIsWaiting_AndTheProbesMustBeIn()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/mem");
        using var memory = new FakeProcess();
        memory.G(0, status: 10, wait: 18, goid: 7, startPc: Worker); // 1.26's select
        memory.G(1, status: 4, wait: 19, goid: 8, startPc: Worker, sudog: memory.Sudog(1, 0xabc000, traceable: true)); // 1.26's chan receive
        memory.G(2, status: 11, wait: 0, goid: 9, startPc: Worker); // 1.26's _Gdeadextra
        memory.Publish(3);
        using GoroutineSnapshot snapshot = memory.Open(new GoVersion(1, 26));
        (List<string> lines, _) = ReadAll(snapshot);
        Assert.Equal(
            [
                $"goroutine={memory.At(0):x} reason=3 wait=18 obj=0 goid=7 gopc=0x4a10 fn=0x{Worker:x} creator=0x4a10",
                $"goroutine={memory.At(1):x} reason=7 wait=19 obj=abc010 goid=8 gopc=0x4a10 fn=0x{Worker:x} creator=0x4a10",
            ],
            lines.Select(l => l[..l.IndexOf(" since=", StringComparison.Ordinal)]));
        Assert.Equal(2, snapshot.Goroutines);

        memory.ClearProbe();
        Assert.False(snapshot.ProbesAttached());
    }

    private const ulong Worker = 0x1000;
    private const ulong RuntimeOwn = 0x2000;

    /// <summary>Every line of a snapshot, without its <c>gopark: ts=T </c>, and the stamps (the ts of each line).</summary>
    private static (List<string> Lines, long[] Stamps) ReadAll(GoroutineSnapshot snapshot)
    {
        var text = new StringBuilder();
        while (snapshot.Step(text))
        {
        }

        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        long[] stamps = [.. lines.Select(l => long.Parse(l.Split(' ')[1]["ts=".Length..], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.All(lines, l => Assert.StartsWith("gopark: ts=", l, StringComparison.Ordinal));
        Assert.All(stamps, ts => Assert.True(ts > 1000));
        return ([.. lines.Select(l => l[(l.IndexOf(' ', "gopark: ".Length) + 1)..])], stamps);
    }

    /// <summary>
    /// Goroutines laid out in this process's memory as the runtime lays them out (g's with the fields the snapshot
    /// reads, allglen and allgptr, a sudog on a channel, the probes' breakpoints), read through /proc/self/mem.
    /// </summary>
    private sealed class FakeProcess : IDisposable
    {
        private const int GSize = 64;
        private readonly nint _block = Marshal.AllocHGlobal(16384);
        private int _sudogs;

        public FakeProcess()
        {
            for (int i = 0; i < 16384; i += 8)
            {
                Marshal.WriteInt64(_block, i, 0);
            }

            Marshal.WriteByte(_block, 16, 0xCC);
            Marshal.WriteByte(_block, 17, 0xCC);
        }

        private static GOffsets Offsets { get; } =
            new(GoId: 0, GoPc: 8, StartPc: 16) { Status = 24, WaitReason = 28, WaitSince = 32, Waiting = 40, SudogG = 0, SudogChannel = 8, ChannelLock = 16 };

        public ulong At(int index) => (ulong)(_block + 1024 + (index * GSize));

        public void G(int index, uint status, byte wait, long goid, ulong startPc, long since = 0, ulong sudog = 0)
        {
            nint g = (nint)At(index);
            Marshal.WriteInt64(g, 0, goid);
            Marshal.WriteInt64(g, 8, 0x4a10);
            Marshal.WriteInt64(g, 16, (long)startPc);
            Marshal.WriteInt32(g, 24, (int)status);
            Marshal.WriteByte(g, 28, wait);
            Marshal.WriteInt64(g, 32, since);
            Marshal.WriteInt64(g, 40, (long)sudog);
        }

        public void SetStatus(int index, uint status) => Marshal.WriteInt32((nint)At(index), 24, (int)status);

        /// <summary>
        /// A sudog of the g at <paramref name="index"/> waiting on <paramref name="channel"/> (from Go 1.26 in the second
        /// word of sudog.c, a maybeTraceableChan whose first the leak-finding GC may clear): its address.
        /// </summary>
        public ulong Sudog(int index, ulong channel, bool traceable = false)
        {
            nint sudog = _block + 8192 + (_sudogs++ * 64);
            Marshal.WriteInt64(sudog, 0, (long)At(index));
            Marshal.WriteInt64(sudog, traceable ? 16 : 8, (long)channel);
            return (ulong)sudog;
        }

        /// <summary>allgptr points at an array of the first <paramref name="count"/> g's; allglen says how many.</summary>
        public void Publish(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Marshal.WriteInt64(_block, 4096 + (i * 8), (long)At(i));
            }

            Marshal.WriteInt64(_block, 0, count);
            Marshal.WriteInt64(_block, 8, _block + 4096);
        }

        public void ClearProbe() => Marshal.WriteByte(_block, 17, 0x48);

        public GoroutineSnapshot Open(GoVersion version)
        {
            var layout = new GoroutineLayout((ulong)_block, (ulong)(_block + 8), [(ulong)(_block + 16), (ulong)(_block + 17)], Offsets,
                pc => pc switch { Worker => "main.worker", RuntimeOwn => "runtime.ensureSigM.func1", _ => null });
            GoroutineSnapshot? snapshot = GoroutineSnapshot.Open(Environment.ProcessId, layout, ReasonTable.For(ReasonNumbering.Wait, version), version, out string? error);
            Assert.True(snapshot is not null, error);
            return snapshot;
        }

        public void Dispose() => Marshal.FreeHGlobal(_block);
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
