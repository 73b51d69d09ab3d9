using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary><see cref="TraceEngine{TSink}.Dispose()"/>: the tables' memory goes back at once, and a disposed engine says so.</summary>
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
    public void Dispose_WhileAViewIsEnumerated_TheEnumeratorThrowsObjectDisposed()
    {
        // Past the smallest table's 16 slots, where a disposed engine's enumerator once read out of range.
        var engine = new TraceEngine();
        engine.Feed(Trace());
        GoroutineView<GoroutineRecord>.Enumerator live = engine.Live.GetEnumerator();
        GoroutineView<BlockedGoroutine>.Enumerator blocked = engine.Blocked.GetEnumerator();
        int seen = 0;
        while (seen < 100 && live.MoveNext() && blocked.MoveNext())
        {
            Assert.NotEqual(0UL, live.Current.GPointer);
            Assert.NotEqual(0UL, blocked.Current.GPointer);
            seen++;
        }

        Assert.Equal(100, seen);
        engine.Dispose();

        Assert.Throws<ObjectDisposedException>(() => live.Current);
        Assert.Throws<ObjectDisposedException>(() => live.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => blocked.Current);
        Assert.Throws<ObjectDisposedException>(() => blocked.MoveNext());
    }

    [Fact]
    public void Feed_WhileAViewIsEnumerated_TheEnumeratorThrowsOnceTheTableGrew()
    {
        var engine = new TraceEngine();
        engine.Feed("newproc1: goroutine=c000000200\nnewproc1: goroutine=c000000400\n"u8);
        GoroutineView<GoroutineRecord>.Enumerator live = engine.Live.GetEnumerator();
        Assert.True(live.MoveNext());

        // Events that leave the slots where they were: the enumerator goes on.
        engine.Feed("gopark: goroutine=c000000200 reason=7\n"u8);
        Assert.NotEqual(0UL, live.Current.GPointer);

        // Enough goroutines to grow the table: its slots moved, so the enumeration cannot go on.
        engine.Feed(Trace());
        InvalidOperationException moved = Assert.Throws<InvalidOperationException>(() => live.MoveNext());
        Assert.Contains("rehashed while it was enumerated", moved.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => live.Current);

        // A new enumeration sees every goroutine once.
        var seen = new HashSet<ulong>();
        foreach (GoroutineRecord record in engine.Live)
        {
            Assert.True(seen.Add(record.GPointer));
        }

        Assert.Equal(engine.Live.Count, seen.Count);
        engine.Dispose();
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        string path = Path.GetTempFileName();
        try
        {
            var engine = new TraceEngine();
            engine.Feed("newproc1: goroutine=c000\n"u8);
            engine.Dispose();

            Assert.Throws<ObjectDisposedException>(() => engine.Live);
            Assert.Throws<ObjectDisposedException>(() => engine.Blocked);
            Assert.Throws<ObjectDisposedException>(() => engine.BlockedByReason);
            Assert.Throws<ObjectDisposedException>(() => engine.GetSummary());
            Assert.Throws<ObjectDisposedException>(() => engine.GetTimeline());
            Assert.Throws<ObjectDisposedException>(() => engine.Feed("ready: goroutine=c000\n"u8));
            Assert.Throws<ObjectDisposedException>(() => engine.FeedSequence(new System.Buffers.ReadOnlySequence<byte>("ready: goroutine=c000\n"u8.ToArray())));

            // Empty input: each replay refuses by itself, not through a feed.
            Assert.Throws<ObjectDisposedException>(() => engine.Replay(new MemoryStream()));
            Assert.Throws<ObjectDisposedException>(() => engine.ReplayFile(path));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayFileAsync(path, TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayAsync(new MemoryStream(), TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.ReplayAsync(PipeReader.Create(new MemoryStream()), TestContext.Current.CancellationToken));
            Assert.Throws<ObjectDisposedException>(() => engine.Complete());
            Assert.Throws<ObjectDisposedException>(() => engine.Complete(IncompleteReason.Interrupted));
            Assert.Throws<ObjectDisposedException>(() => new BlockedGroupCounter(10).Count(engine));
            Assert.Throws<ObjectDisposedException>(() => TraceEngineMetrics.Create(engine));

            // The counters stay readable; disposing again does nothing.
            Assert.Equal(1, engine.EventsRead);
            engine.Dispose();
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
        Assert.Equal(Environment.ProcessorCount > 1 ? 1 : 0, engine.ApplyThreadStarts);
        Assert.Equal((60_000, 20_000), (engine.Live.Count, engine.Blocked.Count));
        OpenTable<LiveValue>.NativeBlock? live = engine.State.Live.Native;
        OpenTable<BlockedValue>.NativeBlock? blocked = engine.State.Blocked.Native;
        engine.Dispose();
        Assert.False(live?.IsHeld ?? false);
        Assert.False(blocked?.IsHeld ?? false);
        Assert.Equal((0, 0), (engine.State.Live.Count, engine.State.Blocked.Count));
    }

    [Theory]
    [InlineData(ReplayParallelism.SingleThread)]
    [InlineData(ReplayParallelism.ParallelParse)]
    public async Task Dispose_DuringAReplay_LetsItEndWithItsTables_ThenGivesThemBack(ReplayParallelism mode)
    {
        // Disposed from the replay's own heartbeat: the replay is using the tables, so they stay until it returns
        // (it stops with ObjectDisposedException), and go back then.
        byte[] trace = Trace();
        int half = trace.AsSpan(0, trace.Length / 2).LastIndexOf((byte)'\n') + 1;
        var engine = new TraceEngine(new TraceEngineOptions { Parallelism = mode });
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        OpenTable<LiveValue>.NativeBlock? block = null;
        bool heldWhileReplaying = false;
        int live = 0;
        Task replay = engine.ReplayAsync(pipe.Reader, TimeSpan.FromHours(1), e =>
        {
            live = e.Live.Count;
            block = e.State.Live.Native;
            e.Dispose();
            heldWhileReplaying = block is null || block.IsHeld;
            Assert.Throws<ObjectDisposedException>(() => e.Live);
        }, TestContext.Current.CancellationToken).AsTask();

        await pipe.Writer.WriteAsync(trace.AsMemory(0, half), TestContext.Current.CancellationToken);
        int lines = trace.AsSpan(0, half).Count((byte)'\n');
        while (Volatile.Read(ref live) == 0 && engine.LinesRead < lines)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        // A cancelled read runs the heartbeat at once.
        pipe.Reader.CancelPendingRead();
        await pipe.Writer.WriteAsync(trace.AsMemory(half), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => replay);

        Assert.True(live > 0);
        Assert.True(heldWhileReplaying);
        Assert.False(block?.IsHeld ?? false);
        Assert.Null(engine.State.Live.Native);
        Assert.Equal(0, engine.State.Live.Count);
    }
}
