using System.Globalization;
using System.Text;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary><see cref="TraceEngine{TSink}.Dispose"/>: the tables' memory goes back at once, and a disposed engine says so.</summary>
public sealed class TraceEngineDisposeTests
{
    /// <summary>60 000 goroutines created, every third one parked: tables past 2 MB, in native memory on Linux.</summary>
    private static byte[] Trace()
    {
        var text = new StringBuilder();
        for (int i = 1; i <= 60_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"newproc1: goroutine={0xc000000000UL + ((ulong)i << 9):x}\n");
            if (i % 3 == 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"gopark: goroutine={0xc000000000UL + ((ulong)i << 9):x} reason=7\n");
            }
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public void Dispose_GivesTheTablesMemoryBack_AndLeavesEmptyTables()
    {
        var engine = new TraceEngine();
        engine.Feed(Trace());
        engine.Complete();
        Assert.Equal(60_000, engine.Live.Count);
        Assert.Equal(20_000, engine.Blocked.Count);
        long events = engine.EventsRead;
        GoroutineView<GoroutineRecord> live = engine.Live;
        OpenTable<LiveValue>.NativeBlock? liveBlock = engine.State.Live.Native;
        OpenTable<BlockedValue>.NativeBlock? blockedBlock = engine.State.Blocked.Native;
        if (TableMemory.Default != TableMemoryKind.Managed)
        {
            Assert.True(liveBlock is { IsHeld: true });
            Assert.True(blockedBlock is { IsHeld: true });
        }

        engine.Dispose();

        // The blocks were freed now, not left to the finalizer; what is left is the smallest table, in managed memory.
        Assert.False(liveBlock?.IsHeld ?? false);
        Assert.False(blockedBlock?.IsHeld ?? false);
        Assert.Null(engine.State.Live.Native);
        Assert.Null(engine.State.Blocked.Native);
        Assert.Equal(16 * System.Runtime.CompilerServices.Unsafe.SizeOf<OpenTable<LiveValue>.Entry>(), engine.State.Live.AllocatedBytes);
        Assert.Equal(0, engine.State.Blocked.Count);

        // A view taken before finds its table empty instead of reading freed memory; the counters stay readable.
        Assert.Equal(0, live.Count);
        Assert.False(live.TryGet(0xc000000000UL + (3UL << 9), out _));
        foreach (GoroutineRecord record in live)
        {
            Assert.Fail($"a disposed engine's view enumerated g {record.GPointer:x}");
        }

        Assert.Equal(events, engine.EventsRead);
        Assert.True(engine.IsCompleted);
        engine.Dispose();
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "newproc1: goroutine=c000\n");
            var engine = new TraceEngine();
            engine.Feed("newproc1: goroutine=c000\n"u8);
            engine.Dispose();

            Assert.Throws<ObjectDisposedException>(() => engine.Live);
            Assert.Throws<ObjectDisposedException>(() => engine.Blocked);
            Assert.Throws<ObjectDisposedException>(() => engine.BlockedByReason);
            Assert.Throws<ObjectDisposedException>(() => engine.GetSummary());
            Assert.Throws<ObjectDisposedException>(() => engine.GetTimeline());
            Assert.Throws<ObjectDisposedException>(() => engine.Feed("ready: goroutine=c000\n"u8));
            Assert.Throws<ObjectDisposedException>(() => engine.Replay(new MemoryStream("ready: goroutine=c000\n"u8.ToArray())));
            Assert.Throws<ObjectDisposedException>(() => engine.ReplayFile(path));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayFileAsync(path, TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayAsync(new MemoryStream("ready: goroutine=c000\n"u8.ToArray()), TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayAsync(System.IO.Pipelines.PipeReader.Create(new MemoryStream()), TestContext.Current.CancellationToken));

            // Completing a disposed engine is what completing a completed one is: nothing.
            engine.Complete();
            Assert.Equal(1, engine.EventsRead);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Dispose_AfterATwoThreadReplay_GivesTheTablesBack()
    {
        // The replay's second thread has ended when Replay returns: nothing touches the tables after Dispose.
        byte[] trace = Trace();
        var engine = new TraceEngine(new TraceEngineOptions { Parallelism = ReplayParallelism.ParallelParse });
        engine.Replay(new MemoryStream(trace, writable: false));
        Assert.Equal(60_000, engine.Live.Count);
        OpenTable<LiveValue>.NativeBlock? block = engine.State.Live.Native;
        engine.Dispose();
        Assert.False(block?.IsHeld ?? false);
        Assert.Equal(0, engine.State.Live.Count);
    }
}
