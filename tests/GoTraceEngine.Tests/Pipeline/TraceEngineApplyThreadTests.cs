using System.IO.Pipelines;
using System.Text;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>
/// Both two-thread replays (<see cref="ReplayParallelism.ApplyThread"/>: parse on the caller's thread, apply on a second
/// one; <see cref="ReplayParallelism.ParallelParse"/>: both parse chunks and take turns applying them in order) give
/// byte-identical reports to the single-threaded one, keep the rare lines in order among the events, stop cleanly on
/// cancellation and on a failing sink, and allocate nothing per event on either thread.
/// </summary>
public sealed class TraceEngineApplyThreadTests
{
    private static readonly TraceEngineOptions s_single = new() { Parallelism = ReplayParallelism.SingleThread };

    /// <summary>Both two-thread modes.</summary>
    public static TheoryData<ReplayParallelism> Modes() => new(ReplayParallelism.ApplyThread, ReplayParallelism.ParallelParse);

    /// <summary>Every trace fixture, the recorded (gzip) ones included, in both two-thread modes.</summary>
    public static TheoryData<string, ReplayParallelism> Traces()
    {
        var data = new TheoryData<string, ReplayParallelism>();
        foreach (string path in Directory.GetFiles(Fixtures.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".dtrace.txt", StringComparison.Ordinal) || name.EndsWith(".trace.txt", StringComparison.Ordinal)
                || name.EndsWith(".trace.txt.gz", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(Fixtures.Directory, path), ReplayParallelism.ApplyThread);
                data.Add(Path.GetRelativePath(Fixtures.Directory, path), ReplayParallelism.ParallelParse);
            }
        }

        return data;
    }

    private static string Json(TraceEngineOptions options, Action<TraceEngine> replay)
    {
        var engine = new TraceEngine(options);
        replay(engine);
        return ReportWriter.ToJson(engine.GetSummary());
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void ReplayFile_EveryFixture_SameReportOnTwoThreads(string fixture, ReplayParallelism mode)
    {
        string path = Fixtures.PathOf(fixture);
        string expected = Json(s_single, e => e.ReplayFile(path));
        Assert.Equal(expected, Json(Two(mode), e => e.ReplayFile(path)));
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public async Task ReplayAsync_EveryFixtureInOddChunks_SameReportOnTwoThreads(string fixture, ReplayParallelism mode)
    {
        TraceEngineOptions two = Two(mode);
        string path = Fixtures.PathOf(fixture);
        string expected = Json(s_single, e => e.ReplayFile(path));

        // Reads of a few bytes: lines straddle reads, and batches end mid-line.
        byte[] data = Decompressed(path);
        Assert.Equal(expected, Json(two, e => e.Replay(new ChunkedStream(data, [1, 7, 2, 13, 3, 64, 5]))));
        Assert.Equal(expected, Json(two with { ReadBufferSize = 61 }, e => e.Replay(new ChunkedStream(data, [1, 7, 2, 13, 3, 64, 5]))));
        var engine = new TraceEngine(two with { ReadBufferSize = 4093 });
        await engine.ReplayAsync(new MemoryStream(data), TestContext.Current.CancellationToken);
        Assert.Equal(expected, ReportWriter.ToJson(engine.GetSummary()));
    }

    [Theory]
    [InlineData(TraceFormat.Quiet, ReplayParallelism.ApplyThread, 500)]
    [InlineData(TraceFormat.Full, ReplayParallelism.ApplyThread, 500)]
    [InlineData(TraceFormat.Quiet, ReplayParallelism.ParallelParse, 500)]
    [InlineData(TraceFormat.Full, ReplayParallelism.ParallelParse, 500)]
    [InlineData(TraceFormat.Quiet, ReplayParallelism.ParallelParse, 0)]
    [InlineData(TraceFormat.Full, ReplayParallelism.ParallelParse, 0)]
    public void Replay_GeneratedTrace_SameReportOnTwoThreads(TraceFormat format, ReplayParallelism mode, int timelinePoints)
    {
        // With a timeline, both cores parsing order in the apply turn; without, in an order turn of its own.
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 12, Format = format, Events = 300_000, Live = 40_000, Leaks = 30, Cpus = 4 }).Write(buffer);
        byte[] trace = buffer.ToArray();
        TraceEngineOptions single = s_single with { TimelinePoints = timelinePoints };
        string expected = Json(single, e => e.Replay(new MemoryStream(trace)));
        Assert.Equal(expected, Json(single with { Parallelism = mode, ReadBufferSize = 65_537 }, e => e.Replay(new MemoryStream(trace))));
    }

    [Theory]
    [InlineData(TraceFormat.Quiet, false)]
    [InlineData(TraceFormat.Quiet, true)]
    [InlineData(TraceFormat.Full, false)]
    [InlineData(TraceFormat.Full, true)]
    public void Replay_ParallelParse_EventsStreamedOrStoredInPlace_SameReport(TraceFormat format, bool streams)
    {
        // However a parsing thread writes its events into the chunk's batch (EventStoreChooser), the order and apply
        // turns read the same events.
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 13, Format = format, Events = 300_000, Live = 40_000, Leaks = 30, Cpus = 4 }).Write(buffer);
        byte[] trace = buffer.ToArray();
        string expected = Json(s_single, e => e.Replay(new MemoryStream(trace)));
        var engine = new TraceEngine(s_single with { Parallelism = ReplayParallelism.ParallelParse, ReadBufferSize = 65_537 }) { StreamParsedEvents = streams };
        engine.Replay(new MemoryStream(trace));
        Assert.Equal(expected, ReportWriter.ToJson(engine.GetSummary()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30_000)]
    public void Replay_ParallelParse_WindowReleasedAtOnce_SameReportWithoutHoldingItTwice(int resident)
    {
        // Events a microsecond apart fill a 2 s window without any being due; a clock that jumps by 3 s then makes
        // all of them due in one order turn, a run of timestamps far behind restarts the clock, which releases
        // everything held, and the last lines make a window due while the pipeline finishes. Such a turn applies what
        // it releases itself rather than keeping it in its batch (150 k events there would be 13 MB more, at 88 bytes
        // each, per burst). With goroutines created first (the events are theirs) the tables are past the size from which
        // they are prefetched: such a turn leaves its last events in the prefetch ring, and the next batch's apply turn
        // must apply them before its own.
        byte[] trace = BurstTrace(resident);
        TraceEngineOptions single = s_single with { MaxClockJump = TimeSpan.FromSeconds(5) };
        (string expected, long singleBytes) = Measure(single);
        (string both, long bothBytes) = Measure(single with { Parallelism = ReplayParallelism.ParallelParse });
        Assert.Equal(expected, both);
        Assert.Contains("the clock restarts", expected, StringComparison.Ordinal);
        Assert.True(bothBytes < singleBytes + (16L << 20), Invariant($"one thread allocated {singleBytes} bytes, both cores parsing {bothBytes}"));

        (string Json, long Bytes) Measure(TraceEngineOptions options)
        {
            var engine = new TraceEngine(options);
            long before = GC.GetAllocatedBytesForCurrentThread();
            engine.Replay(new MemoryStream(trace, writable: false));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before + engine.ApplyThreadAllocatedBytes;
            Assert.Equal(options.Parallelism == ReplayParallelism.ParallelParse && Environment.ProcessorCount > 1
                ? ReplayParallelism.ParallelParse : ReplayParallelism.SingleThread, engine.SecondThreadMode);
            return (ReportWriter.ToJson(engine.GetSummary()), allocated);
        }

        static byte[] BurstTrace(int resident)
        {
            var builder = new StringBuilder();
            long ts = 100_000_000_000;
            ulong first = resident > 0 ? 0xd000000000UL : 0xc000000000UL;
            for (int i = 0; i < resident; i++)
            {
                builder.Append(Invariant($"newproc1: ts={ts += 10} goroutine={first + ((ulong)i << 10):x} parent=1 goid={i + 10} fn=main.worker creator=main.main\n"));
            }

            for (int burst = 0; burst < 3; burst++)
            {
                for (int i = 0; i < 150_000; i++)
                {
                    ulong g = first + ((ulong)(i % 4093) << 10);
                    builder.Append((i & 1) == 0
                        ? Invariant($"gopark: ts={ts += 1000} goroutine={g:x} reason={1 + (i % 7)} wait=2 obj=0\n")
                        : Invariant($"ready: ts={ts += 1000} goroutine={g:x}\n"));
                }

                if (burst == 0)
                {
                    ts += 3_000_000_000;
                }
                else if (burst == 1)
                {
                    for (int i = 0; i < 20; i++)
                    {
                        builder.Append(Invariant($"ready: ts={ts - 8_000_000_000L + i} goroutine={0xc000000000UL:x}\n"));
                    }

                    ts -= 8_000_000_000L;
                }
            }

            // The last lines make the last burst due (after 1 Ki of them the orderer releases what is due): released
            // while the pipeline finishes, in its last chunk.
            ts += 3_000_000_000;
            for (int i = 0; i < 2000; i++)
            {
                builder.Append(Invariant($"ready: ts={ts += 1000} goroutine={0xc000000000UL:x}\n"));
            }

            return Encoding.UTF8.GetBytes(builder.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Replay_BusyTraceOutOfOrder_SameReportOnTwoThreads(ReplayParallelism mode)
    {
        using var buffer = new MemoryStream();
        new BusyTraceGenerator(new BusyTraceOptions { Seed = 8, Live = 3000, Duration = TimeSpan.FromSeconds(60), LeakIncidentsPerMinute = 12 }).Write(buffer);
        byte[] trace = buffer.ToArray();
        string expected = Json(s_single, e => e.Replay(new MemoryStream(trace)));
        Assert.Equal(expected, Json(Two(mode) with { ReadBufferSize = 10_007 }, e => e.Replay(new MemoryStream(trace))));
    }

    [Theory]
    [InlineData(ReplayParallelism.ApplyThread, 3000)]
    [InlineData(ReplayParallelism.ParallelParse, 3000)]
    [InlineData(ReplayParallelism.ParallelParse, 40_000)]
    public void Replay_RareLinesAmongEvents_KeptInOrderOnTwoThreads(ReplayParallelism mode, int live)
    {
        // A generated trace with every fixture spliced in at intervals (headers that switch the reason tables mid-trace,
        // malformed lines, warnings, exits, symbols, late and corrupt timestamps), runs of rare lines longer than a
        // batch holds, and lines too long to parse. At 40 000 live the tables are past the size from which they are
        // prefetched: one thread holds events in the prefetch ring, both cores parsing look ahead in the batch instead.
        (byte[] trace, int tooLong) = RareLinesTrace(live);
        TraceEngineOptions small = new() { MaxLineLength = 2048, MaxDiagnostics = 5000, MaxWarnings = 5000, Parallelism = ReplayParallelism.SingleThread };
        string expected = Json(small, e => e.Replay(new MemoryStream(trace)));
        Assert.Equal(expected, Json(small with { Parallelism = mode, ReadBufferSize = 7919 }, e => e.Replay(new MemoryStream(trace))));
        Assert.Contains(Invariant($"\"tooLong\": {tooLong}"), expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReplayParallelism.ApplyThread, 4096, 2000)]
    [InlineData(ReplayParallelism.ParallelParse, 4096, 2000)]
    [InlineData(ReplayParallelism.ParallelParse, 1 << 16, 2000)]
    [InlineData(ReplayParallelism.ParallelParse, 1 << 16, 40_000)]
    public void Replay_OrdererNotesAndRareLines_SameReportOnTwoThreads(ReplayParallelism mode, int readBufferSize, int live)
    {
        // Both cores parsing order a chunk while the one before it is applied: what the orderer releases, its clock
        // diagnostics, late events (judged stale or not against the tables) and the rare lines must reach the tables in
        // the order one thread gives, and a chunk without timestamps may skip the orderer only while it holds nothing.
        byte[] trace = OrdererNotesTrace(live);
        TraceEngineOptions options = new()
        {
            ReorderWindow = TimeSpan.FromMilliseconds(5),
            MaxClockJump = TimeSpan.FromMilliseconds(100),
            MaxDiagnostics = 100_000,
            Parallelism = ReplayParallelism.SingleThread,
        };
        string expected = Json(options, e => e.Replay(new MemoryStream(trace)));
        Assert.Contains("\"category\": \"clock\"", expected, StringComparison.Ordinal);
        Assert.Contains("\"category\": \"stale\"", expected, StringComparison.Ordinal);
        Assert.Contains("the clock restarts", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Json(options with { Parallelism = mode, ReadBufferSize = readBufferSize }, e => e.Replay(new MemoryStream(trace))));
    }

    [Theory]
    [InlineData("# exit code=0")]
    [InlineData("# exit signal=9 ts=90000000000")]
    public void Replay_ExitNoteAfterTheEnd_TheEndAppliesFirstOnEitherPath(string note)
    {
        // Past the size from which the tables are prefetched, one thread holds the last events in the prefetch ring,
        // while both cores parsing apply an ordered batch straight from it. A note that changes what the end means (the
        // program's exit) must find the events before it applied on both paths, the end record among them: read first,
        // it was a tracer that stopped with the program still running, and does not move the verdict's clock.
        var builder = new StringBuilder("# gotrace tracer=gen os=linux arch=amd64 go=go1.22 reasons=trace\n");
        long ts = 1_000_000_000;
        for (int i = 0; i < 30_000; i++)
        {
            builder.Append(Invariant($"newproc1: ts={ts += 1000} goroutine={0xd000000000UL + ((ulong)i << 10):x} parent=1 goid={i + 10} fn=main.worker creator=main.main\n"));
        }

        for (int i = 0; i < 300; i++)
        {
            builder.Append(Invariant($"gopark: ts={ts += 1000} goroutine={0xd000000000UL + ((ulong)i << 10):x} reason=7 wait=14 obj=c000100000\n"));
        }

        builder.Append(Invariant($"END: ts={ts + 60_000_000_000}\n")).Append(note).Append('\n');
        byte[] trace = Encoding.UTF8.GetBytes(builder.ToString());
        TraceEngineOptions single = s_single with { ReorderWindow = TimeSpan.Zero };
        string expected = Json(single, e => e.Replay(new MemoryStream(trace)));
        Assert.Contains("\"rule\": \"nothingReleasedSincePark\"", expected, StringComparison.Ordinal);
        Assert.DoesNotContain("\"rule\": \"quiesced\"", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Json(single with { Parallelism = ReplayParallelism.ParallelParse, ReadBufferSize = 1 << 16 }, e => e.Replay(new MemoryStream(trace))));
    }

    [Fact]
    public void Replay_Auto_StaysOnOneThreadForSmallInput()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky.dtrace.txt"));
        Assert.Equal(0, engine.ApplyThreadStarts);
        Assert.False(engine.UsesApplyThread);
    }

    [Theory]
    [InlineData(TraceFormat.Quiet, 1000)]
    [InlineData(TraceFormat.Full, 20_000)]
    public void Replay_Auto_BothCoresParsePast4MiB_SameReport(TraceFormat format, int live)
    {
        // Small tables or big, with or without timestamps: the second thread starts mid-trace, between reads.
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 4, Format = format, Bytes = TraceEngineOptions.AutoSecondThreadBytes + (8 << 20), Live = live, Leaks = 5 }).Write(buffer);
        byte[] trace = buffer.ToArray();
        var engine = new TraceEngine();
        engine.Replay(new MemoryStream(trace));
        bool two = Environment.ProcessorCount > 1;
        Assert.Equal(two ? 1 : 0, engine.ApplyThreadStarts);
        Assert.Equal(two ? ReplayParallelism.ParallelParse : ReplayParallelism.SingleThread, engine.SecondThreadMode);
        Assert.False(engine.UsesApplyThread);
        Assert.Equal(Json(s_single, e => e.Replay(new MemoryStream(trace))), ReportWriter.ToJson(engine.GetSummary()));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ReplayAsync_Heartbeats_SeeEveryEventReadApplied(ReplayParallelism mode)
    {
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 3, Format = TraceFormat.Quiet, Events = 200_000, Live = 5000 }).Write(buffer);
        byte[] trace = buffer.ToArray();
        var engine = new TraceEngine<CountingSink>(Two(mode) with { ReadBufferSize = 4096 }, default);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 16, resumeWriterThreshold: 1 << 15));
        int beats = 0;
        Task reading = engine.ReplayAsync(pipe.Reader, TimeSpan.FromMilliseconds(1), e =>
        {
            // Without ts= every event read is applied at once: at a heartbeat the tables hold them all.
            Assert.Equal(e.EventsRead, e.Sink.Events);
            Assert.Equal(e.GetSummary().Live, e.Live.Count);
            beats++;
        }, TestContext.Current.CancellationToken).AsTask();
        for (int at = 0; at < trace.Length; at += 3001)
        {
            await pipe.Writer.WriteAsync(trace.AsMemory(at, Math.Min(3001, trace.Length - at)), TestContext.Current.CancellationToken);
            if (at % 30010 == 0)
            {
                await Task.Delay(2, TestContext.Current.CancellationToken);
            }
        }

        await pipe.Writer.CompleteAsync();
        await reading;
        await pipe.Reader.CompleteAsync();
        Assert.True(beats > 0);
        Assert.Equal(Json(s_single, e => e.Replay(new MemoryStream(trace))), ReportWriter.ToJson(engine.GetSummary()));
    }

    [Fact]
    public async Task ReplayAsync_ParallelParse_TricklingStream_AppliesEventsBeforeItEnds()
    {
        // A live tracer: lines arrive a few at a time and the stream stays open. A read far smaller than the buffer has
        // its whole lines applied at once, not when a 64 KiB chunk would fill.
        // First a busy server's worth of goroutines in one write, so the tables outgrow the caches and events go
        // through the prefetch ring; then 50 lines one by one. Every event reaches the tables and the sink.
        var engine = new TraceEngine<CountingSink>(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 1 << 16 }, default);
        var pipe = new Pipe();
        Task reading = engine.ReplayAsync(pipe.Reader, TestContext.Current.CancellationToken).AsTask();
        const int Busy = 60_000;
        const int Creates = Busy + 50;
        var burst = new StringBuilder();
        for (int i = 0; i < Busy; i++)
        {
            burst.Append(Invariant($"newproc1: goroutine={0xd000000000UL + ((ulong)i << 10):x} parent=1 count={i + 1} blocked_count=0\n"));
        }

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(burst.ToString()), TestContext.Current.CancellationToken);
        for (int i = Busy; i < Creates; i++)
        {
            ulong g = 0xc000000000UL + ((ulong)i << 10);
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Invariant($"newproc1: goroutine={g:x} parent=1 count={i + 1} blocked_count=0\n")), TestContext.Current.CancellationToken);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref engine.Sink.Events) < Creates && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Creates, Volatile.Read(ref engine.Sink.Events));
        Assert.True(engine.UsesApplyThread || Environment.ProcessorCount < 2);
        await pipe.Writer.CompleteAsync();
        await reading;
        await pipe.Reader.CompleteAsync();
        Assert.Equal(Creates, engine.Live.Count);
    }

    [Fact]
    public async Task ReplayAsync_ParallelParse_TricklingTimedStream_AppliesDueEventsBeforeItEnds()
    {
        // A live tracer's full format: events wait out the reorder window (2 s), then each line that arrives alone moves
        // the clock, and what it makes due reaches the tables and the sink without waiting for more input.
        var engine = new TraceEngine<CountingSink>(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 1 << 16 }, default);
        var pipe = new Pipe();
        Task reading = engine.ReplayAsync(pipe.Reader, TestContext.Current.CancellationToken).AsTask();
        const int Burst = 5000;
        const int Trickle = 20;
        var burst = new StringBuilder();
        for (int i = 0; i < Burst; i++)
        {
            burst.Append(TimedCreate(i));
        }

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(burst.ToString()), TestContext.Current.CancellationToken);
        for (int i = Burst; i < Burst + Trickle; i++)
        {
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(TimedCreate(i)), TestContext.Current.CancellationToken);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        // One millisecond apart: the events at least 2 s older than the last one are due.
        const int Due = Burst + Trickle - 2000;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref engine.Sink.Events) < Due && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Due, Volatile.Read(ref engine.Sink.Events));
        Assert.True(engine.UsesApplyThread || Environment.ProcessorCount < 2);
        await pipe.Writer.CompleteAsync();
        await reading;
        await pipe.Reader.CompleteAsync();
        Assert.Equal(Burst + Trickle, engine.Sink.Events);
        Assert.Equal(Burst + Trickle, engine.Live.Count);

        static string TimedCreate(int i) =>
            Invariant($"newproc1: ts={1_000_000_000L + (i * 1_000_000L)} goroutine={0xc000000000UL + ((ulong)i << 10):x} parent=1 goid={i + 10} fn=main.worker creator=main.main\n");
    }

    [Theory]
    [InlineData(TraceFormat.Quiet)]
    [InlineData(TraceFormat.Full)]
    public async Task ReplayFileAsync_BothCoresParsing_ReadsIntoChunks_SameReportAsOneThread(TraceFormat format)
    {
        // Both cores parsing read a file straight into the pipeline's chunks (a read may end anywhere in a line).
        string path = Path.Combine(Path.GetTempPath(), Invariant($"gotrace-chunks-{Guid.NewGuid():N}.txt"));
        try
        {
            using (FileStream file = File.Create(path))
            {
                new TraceGenerator(new TraceGeneratorOptions { Seed = 31, Format = format, Events = 150_000, Live = 30_000, Leaks = 20, Cpus = 4 }).Write(file);
            }

            var single = new TraceEngine(s_single);
            await single.ReplayFileAsync(path, TestContext.Current.CancellationToken);
            var both = new TraceEngine(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 65_521 });
            await both.ReplayFileAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(ReplayParallelism.ParallelParse, both.SecondThreadMode);
            Assert.True(both.ChunkReads > 100, Invariant($"{both.ChunkReads} reads into chunks"));
            Assert.Equal(0, single.ChunkReads);
            Assert.Equal(new FileInfo(path).Length, both.BytesRead);
            Assert.Equal(ReportWriter.ToJson(single.GetSummary()), ReportWriter.ToJson(both.GetSummary()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReplayFileAsync_FifoWhoseWriterStalls_CancelledReturnsAtOnce()
    {
        // A FIFO (or /dev/stdin) is no regular file: its read can wait for a writer that never writes, so it goes through
        // the pipe, whose wait a cancellation abandons, even with both cores parsing.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo is tested on Linux");
        string path = Path.Combine(Path.GetTempPath(), Invariant($"gotrace-fifo-{Guid.NewGuid():N}"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        try
        {
            var engine = new TraceEngine(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 1 << 16 });
            using var cancel = new CancellationTokenSource();
            Task reading = Task.Run(() => engine.ReplayFileAsync(path, cancel.Token).AsTask(), TestContext.Current.CancellationToken);
            await using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
            var lines = new StringBuilder();
            for (int i = 0; i < 50_000; i++)
            {
                lines.Append(Invariant($"newproc1: goroutine={0xd000000000UL + ((ulong)i << 10):x} parent=1 count={i + 1} blocked_count=0\n"));
            }

            await writer.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), TestContext.Current.CancellationToken);
            await writer.FlushAsync(TestContext.Current.CancellationToken);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (engine.BytesRead < lines.Length && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            // The writer stays open and silent: the cancellation, not the writer, ends the replay.
            await cancel.CancelAsync();
            Task ended = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            Assert.Same(reading, ended);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
            Assert.Equal(0, engine.ChunkReads);
            engine.Complete(IncompleteReason.Interrupted, "stopped");
            Assert.Equal(50_000, engine.Live.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Replay_ParallelParse_TricklingStream_AppliesEachReadBeforeTheNext()
    {
        // The synchronous Replay(Stream) reads straight into chunks: a read far smaller than asked (a live tracer's
        // trickle through a stream) still hands its whole lines on at once. First a busy server's worth of goroutines,
        // then 50 lines one read each; before each of those reads, every event before it has reached the sink.
        const int Busy = 60_000;
        var reads = new List<byte[]>();
        var burst = new StringBuilder();
        for (int i = 0; i < Busy; i++)
        {
            burst.Append(Invariant($"newproc1: goroutine={0xd000000000UL + ((ulong)i << 10):x} parent=1 count={i + 1} blocked_count=0\n"));
        }

        byte[] busy = Encoding.UTF8.GetBytes(burst.ToString());
        for (int at = 0; at < busy.Length; at += 1 << 16)
        {
            reads.Add(busy.AsSpan(at, Math.Min(1 << 16, busy.Length - at)).ToArray());
        }

        for (int i = Busy; i < Busy + 50; i++)
        {
            reads.Add(Encoding.UTF8.GetBytes(Invariant($"newproc1: goroutine={0xc000000000UL + ((ulong)i << 10):x} parent=1 count={i + 1} blocked_count=0\n")));
        }

        var engine = new TraceEngine<CountingSink>(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 1 << 17 }, default);
        var stream = new TrickleStream(reads, Busy, () => Volatile.Read(ref engine.Sink.Events));
        engine.Replay(stream);
        Assert.Equal(50, stream.TrickledReads);
        Assert.Equal(0, stream.Late);
        Assert.True(engine.ChunkReads > 50, Invariant($"{engine.ChunkReads} reads into chunks"));
        Assert.Equal(Busy + 50, engine.Live.Count);
    }

    [Fact]
    public void Replay_ParallelParse_ReadFailsMidStream_AppliesWhatWasReadAndThrows()
    {
        // A read error after 60 000 lines read straight into chunks: the replay throws it, the pipeline is stopped, and
        // what was read is applied as one thread applies it.
        var burst = new StringBuilder();
        for (int i = 0; i < 60_000; i++)
        {
            burst.Append(Invariant($"newproc1: goroutine={0xd000000000UL + ((ulong)i << 10):x} parent=1 count={i + 1} blocked_count=0\n"));
        }

        burst.Append("newproc1: goroutine=c0000");
        byte[] bytes = Encoding.UTF8.GetBytes(burst.ToString());
        var engine = new TraceEngine(Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 1 << 16 });
        IOException thrown = Assert.Throws<IOException>(() => engine.Replay(new FailingStream(bytes)));
        Assert.Equal("the disk is gone", thrown.Message);
        Assert.False(engine.UsesApplyThread);
        Assert.True(engine.ChunkReads > 0);
        Assert.Equal(bytes.Length, engine.BytesRead);
        engine.Complete(IncompleteReason.Interrupted, "read failed");
        var single = new TraceEngine(s_single);
        single.Feed(bytes);
        single.Complete(IncompleteReason.Interrupted, "read failed");
        Assert.Equal(ReportWriter.ToJson(single.GetSummary()), ReportWriter.ToJson(engine.GetSummary()));
        Assert.True(engine.Live.Count >= 60_000);
    }

    [Fact]
    public async Task ReplayFileAsync_BothCoresParsing_Cancelled_AppliesWhatWasReadThenStops()
    {
        // Cancelled while the file is read into chunks (by the sink, at its 20 000th event): the reads stop, every whole
        // line read is applied, and the engine is as one thread leaves it fed the same bytes.
        string path = Path.Combine(Path.GetTempPath(), Invariant($"gotrace-cancel-{Guid.NewGuid():N}.txt"));
        try
        {
            using (FileStream file = File.Create(path))
            {
                // The seed format: no reorder window holds the events back, so the sink sees them as they are read.
                new TraceGenerator(new TraceGeneratorOptions { Seed = 32, Format = TraceFormat.Quiet, Events = 300_000, Live = 5000, Leaks = 20 }).Write(file);
            }

            using var cancel = new CancellationTokenSource();
            var engine = new TraceEngine<CancellingSink>(
                Two(ReplayParallelism.ParallelParse) with { ReadBufferSize = 16_384 }, new CancellingSink { Source = cancel, At = 20_000 });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.ReplayFileAsync(path, cancel.Token).AsTask());
            Assert.False(engine.UsesApplyThread);
            engine.Complete(IncompleteReason.Interrupted, "stopped");
            long read = engine.BytesRead;
            Assert.InRange(read, 1, new FileInfo(path).Length - 1);

            var single = new TraceEngine(s_single);
            single.Feed(File.ReadAllBytes(path).AsSpan(0, (int)read));
            single.Complete(IncompleteReason.Interrupted, "stopped");
            Assert.Equal(ReportWriter.ToJson(single.GetSummary()), ReportWriter.ToJson(engine.GetSummary()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ReplayAsync_Cancelled_AppliesWhatWasReadThenStops(ReplayParallelism mode)
    {
        byte[] trace = Fixtures.Read("pool-full.trace.txt");
        int cut = trace.AsSpan(0, trace.Length / 2).LastIndexOf((byte)'\n') + 1;
        string expected;
        {
            var single = new TraceEngine(s_single);
            single.Feed(trace.AsSpan(0, cut));
            single.Complete(IncompleteReason.Interrupted, "stopped");
            expected = ReportWriter.ToJson(single.GetSummary());
        }

        var engine = new TraceEngine(Two(mode));
        var pipe = new Pipe();
        using var cancel = new CancellationTokenSource();
        Task reading = engine.ReplayAsync(pipe.Reader, cancel.Token).AsTask();
        await pipe.Writer.WriteAsync(trace.AsMemory(0, cut), TestContext.Current.CancellationToken);
        while (engine.LinesRead == 0)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.False(engine.UsesApplyThread);
        engine.Complete(IncompleteReason.Interrupted, "stopped");
        Assert.Equal(expected, ReportWriter.ToJson(engine.GetSummary()));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Replay_SinkThrowsOnApplyThread_TheReplayThrowsIt(ReplayParallelism mode)
    {
        byte[] trace = Fixtures.Read("leaky.dtrace.txt");
        var repeated = new MemoryStream();
        for (int i = 0; i < 2000; i++)
        {
            repeated.Write(trace);
        }

        var engine = new TraceEngine<ThrowingSink>(Two(mode) with { ReadBufferSize = 4096 }, new ThrowingSink { ThrowAt = 5000 });
        repeated.Position = 0;
        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() => engine.Replay(repeated));
        Assert.Equal("sink failed", thrown.Message);
        Assert.False(engine.UsesApplyThread);
    }

    [Theory]
    [InlineData(ReplayParallelism.ApplyThread, false, 0)]
    [InlineData(ReplayParallelism.ParallelParse, false, 0)]
    [InlineData(ReplayParallelism.ApplyThread, true, 0)]
    [InlineData(ReplayParallelism.ParallelParse, true, 0)]
    [InlineData(ReplayParallelism.ParallelParse, false, 30_000)]
    [InlineData(ReplayParallelism.ParallelParse, true, 30_000)]
    public void Replay_WarmSteadyState_AllocatesNothingPerEventOnEitherThread(ReplayParallelism mode, bool timed, int resident)
    {
        // Goroutines end where they started, so the tables stop growing: ten times the input allocates what once does
        // (the ring of batches and the thread), on the reading thread and on the applying one. Timed, the events also
        // go through the reorder window (with both cores parsing, in order turns of their own). With goroutines that
        // stay (created first, the same in both inputs) the tables are past the size from which they are prefetched.
        // What a replay allocates once (a turn's spare batch, a lock's first contention) falls on whichever thread
        // meets it first, and a lock's only when the threads contend: so both threads' bytes are added up, and ten
        // times the input may allocate at most 64 KiB more than once: 720 000 events more, so fewer than one small
        // allocation in 250 events (one per event would be over 17 MB). What the runtime allocates when it compiles on
        // a thread (Infrastructure/Allocations: about 8 KB a compile) lands in whichever replay meets it first: in
        // Debug, 14.9 KB of it once fell in the first replay (8 064 B on the applying thread, 6 792 B on the reading
        // one) and once, in a clean-clone CI run, in the second.
        byte[] once = SteadyStateTrace(1, timed, resident);
        byte[] tenTimes = SteadyStateTrace(10, timed, resident);
        (long readOnce, long applyOnce) = Measure(once, mode, resident);
        (long readTen, long applyTen) = Measure(tenTimes, mode, resident);
        long more = readTen + applyTen - (readOnce + applyOnce);
        Assert.True(more <= 64 * 1024, FormattableString.Invariant(
            $"ten times the events allocated {more} B more: read {readOnce} → {readTen} B, apply {applyOnce} → {applyTen} B"));

        static (long Read, long Apply) Measure(byte[] trace, ReplayParallelism mode, int resident)
        {
            var engine = new TraceEngine<CountingSink>(Two(mode) with { ReadBufferSize = 1 << 16 }, default);
            long before = GC.GetAllocatedBytesForCurrentThread();
            engine.Replay(new MemoryStream(trace, writable: false));
            long read = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(resident, engine.Live.Count);
            Assert.Equal(resident > 0, engine.State.Live.IsPrefetchUseful);
            return (read, engine.ApplyThreadAllocatedBytes);
        }
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(333)]
    [InlineData(4096)]
    public void Replay_ParallelParse_LinesLongerThanAChunkAndCutEnds_SameReport(int readBufferSize)
    {
        // Chunks of readBufferSize bytes; lines up to the maximum (2048) that fill more than a chunk, lines too long to
        // parse that run through several chunks (counted, not kept), CRLF ends, and input that ends in a partial line:
        // a short one, then (second trace) a too-long one.
        var builder = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            ulong g = 0xc000000000UL + ((ulong)i << 10);
            builder.Append(Invariant($"newproc1: goroutine={g:x} parent={i} count=1 blocked_count=0\n"));
            if (i % 37 == 5)
            {
                builder.Append(Invariant($"gopark: goroutine={g:x} blocked=1 reason=2 blocked_count=1 pad={new string('p', 1500 + i)}\n"));
            }

            if (i % 41 == 7)
            {
                builder.Append(new string('x', 2049 + (i * 31))).Append('\n');
            }

            if (i % 3 == 0)
            {
                builder.Append(Invariant($"ready: goroutine={g:x}\r\n"));
            }
        }

        string body = builder.ToString();
        foreach (string trace in (string[])[body + "godestroy: goroutine=c000000000 count=0", body + new string('y', 9000)])
        {
            byte[] bytes = Encoding.UTF8.GetBytes(trace);
            TraceEngineOptions options = new() { MaxLineLength = 2048, Parallelism = ReplayParallelism.SingleThread, ReadBufferSize = readBufferSize };
            string expected = Json(options, e => e.Replay(new MemoryStream(bytes)));
            var engine = new TraceEngine(options with { Parallelism = ReplayParallelism.ParallelParse });
            engine.Replay(new ChunkedStream(bytes, [readBufferSize, 17, 3 * readBufferSize]));
            Assert.Equal(Environment.ProcessorCount > 1 ? 1 : 0, engine.ApplyThreadStarts);
            Assert.Equal(expected, ReportWriter.ToJson(engine.GetSummary()));
        }

        Assert.Contains("\"tooLong\": 10", Json(new() { MaxLineLength = 2048 }, e => e.Replay(new MemoryStream(Encoding.UTF8.GetBytes(body)))), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_ParallelParse_PastTheNameCap_KeepsTheNamesOneThreadKeeps()
    {
        // More distinct function names (19 000) than the cap (lowered to 12 000 here): past it every new name is "too many
        // distinct names", so which names are kept depends on the order they are first seen. Chunks of 4 KiB in flight
        // on two threads would add names out of input order; near the cap the chunks are parsed in their apply turn.
        var builder = new StringBuilder();
        for (int i = 0; i < 15_000; i++)
        {
            ulong g = 0xc000000000UL + ((ulong)i << 10);
            builder.Append(Invariant($"newproc1: ts={1_000_000 + i} goroutine={g:x} parent=1 goid={i + 2} fn=main.worker{i} creator=main.spawner{i % 4000}\n"));
            if (i % 3 == 0)
            {
                builder.Append(Invariant($"gopark: ts={1_000_000 + i} goroutine={g:x} reason=7 wait=4\n"));
            }
        }

        byte[] trace = Encoding.UTF8.GetBytes(builder.ToString());
        TraceEngineOptions options = new() { NameCap = 12_000, ReadBufferSize = 4096, Parallelism = ReplayParallelism.SingleThread };
        string expected = Json(options, e => e.Replay(new MemoryStream(trace)));
        Assert.Contains("too many distinct names", expected, StringComparison.Ordinal);
        for (int run = 0; run < 5; run++)
        {
            Assert.Equal(expected, Json(options with { Parallelism = ReplayParallelism.ParallelParse }, e => e.Replay(new MemoryStream(trace))));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Replay_ParallelParse_HugeMaxLineLength_LongLinesParseAsOneThread()
    {
        // A maximum line length of int.MaxValue: a chunk holding one long line grows (its size computed without
        // overflow) instead of being cut.
        string pad = new('p', 300_000);
        byte[] trace = Encoding.UTF8.GetBytes(Invariant($"newproc1: goroutine=c000000000 parent=1 count=1 blocked_count=0 pad={pad}\ngopark: goroutine=c000000000 blocked=1 reason=2 blocked_count=1\n"));
        TraceEngineOptions options = new() { MaxLineLength = int.MaxValue, ReadBufferSize = 1 << 16, Parallelism = ReplayParallelism.SingleThread };
        string expected = Json(options, e => e.Replay(new MemoryStream(trace)));
        string both = await Task.Run(() => Json(options with { Parallelism = ReplayParallelism.ParallelParse }, e => e.Replay(new MemoryStream(trace))), TestContext.Current.CancellationToken);
        Assert.Equal(expected, both);
        Assert.Contains("\"live\": 1", expected, StringComparison.Ordinal);
    }

    private static TraceEngineOptions Two(ReplayParallelism mode) => new() { Parallelism = mode };

    private static byte[] SteadyStateTrace(int repeats, bool timed = false, int resident = 0)
    {
        var builder = new StringBuilder();
        long ts = 1_000_000_000;
        for (int i = 0; i < resident; i++)
        {
            ulong g = 0xd000000000UL + ((ulong)i << 10);
            // Untimed, so that a timed trace's window holds what it holds without them: the events that repeat.
            builder.Append(Invariant($"newproc1: goroutine={g:x} parent=1\n"));
        }

        for (int r = 0; r < repeats; r++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                ulong g = 0xc000000000UL + ((ulong)(i % 997) << 10);
                if (timed)
                {
                    // The full format, a millisecond apart: the 2 s window holds 2 000 events.
                    builder.Append(Invariant($"newproc1: ts={ts += 1_000_000} goroutine={g:x} parent=1 goid={i + 10} fn=main.worker creator=main.main\n"));
                    builder.Append(Invariant($"gopark: ts={ts += 1_000_000} goroutine={g:x} reason={1 + (i % 7)} wait=2 obj=0\n"));
                    builder.Append("program output line\n");
                    builder.Append(Invariant($"ready: ts={ts += 1_000_000} goroutine={g:x}\n"));
                    builder.Append(Invariant($"godestroy: ts={ts += 1_000_000} goroutine={g:x}\n"));
                    continue;
                }

                builder.Append(Invariant($"newproc1: goroutine={g:x} parent={i} count=1 blocked_count=0\n"));
                builder.Append(Invariant($"gopark: goroutine={g:x} blocked=1 reason={1 + (i % 7)} blocked_count=1\n"));
                builder.Append("program output line\n");
                builder.Append(Invariant($"ready: goroutine={g:x}\n"));
                builder.Append(Invariant($"godestroy: goroutine={g:x} count=0 blocked_count=0\n"));
            }
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static (byte[] Trace, int TooLong) RareLinesTrace(int live)
    {
        using var generated = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 5, Format = TraceFormat.Full, Events = 57_000 + live, Live = live, Leaks = 10 }).Write(generated);
        string[] lines = Encoding.UTF8.GetString(generated.ToArray()).Split('\n');
        var fixtures = new List<string>();
        foreach (string path in Directory.GetFiles(Fixtures.Directory, "*.txt").Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".dtrace.txt", StringComparison.Ordinal) || path.EndsWith(".trace.txt", StringComparison.Ordinal))
            {
                fixtures.Add(File.ReadAllText(path));
            }
        }

        var builder = new StringBuilder();
        int spliced = 0;
        int tooLong = 0;
        for (int i = 0; i < lines.Length - 1; i++)
        {
            builder.Append(lines[i]).Append('\n');
            if (i % 5000 == 2500)
            {
                builder.Append(fixtures[spliced++ % fixtures.Count]);
            }

            if (i % 1500 == 700)
            {
                builder.Append(new string('x', 3000)).Append('\n');
                tooLong++;
            }

            if (i == 30_000)
            {
                // More rare lines in a row than a batch keeps: the batch is handed over early.
                for (int j = 0; j < 700; j++)
                {
                    builder.Append(Invariant($"gopark: goroutine=xyz{j} reason=2\n"));
                    builder.Append(Invariant($"# exit code={j}\n"));
                }
            }
        }

        return (Encoding.UTF8.GetBytes(builder.ToString()), tooLong);
    }

    /// <summary>
    /// A generated full-format trace (four CPUs' buffers, out of order) with, spliced in: trace headers that switch the
    /// reason numbering (events released before and after one apply with different tables), timestamps far ahead of the
    /// clock (diagnosed, applied in arrival order), copies of earlier lines (late: stale or not); then creates still held
    /// in the window followed by chunks of untimed exits of the same goroutines (they must wait behind the creates), and
    /// a run of timestamps far behind the clock (it restarts).
    /// </summary>
    private static byte[] OrdererNotesTrace(int live)
    {
        using var generated = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 9, Format = TraceFormat.Full, Events = 58_000 + live, Live = live, Leaks = 10, Cpus = 4 }).Write(generated);
        string[] lines = Encoding.UTF8.GetString(generated.ToArray()).Split('\n');
        var builder = new StringBuilder();
        long last = 0;
        for (int i = 0; i < lines.Length - 1; i++)
        {
            string line = lines[i];
            builder.Append(line).Append('\n');
            last = Math.Max(last, TimestampOf(line));
            if (i % 2000 == 1000)
            {
                builder.Append(Invariant($"# gotrace tracer=gen os=linux arch=amd64 go=go1.22 reasons={(i / 2000 % 2 == 0 ? "wait" : "trace")}\n"));
            }

            if (i % 3000 == 1500)
            {
                builder.Append("gopark: ts=9000000000000000000 goroutine=c000010340 reason=3 wait=9 obj=0\n");
            }

            if (i % 2500 == 2000 && i > 5000)
            {
                builder.Append(lines[i - 1200]).Append('\n');
            }
        }

        const int Held = 400;
        for (int i = 0; i < Held; i++)
        {
            builder.Append(Invariant($"newproc1: ts={last + 1000 + i} goroutine={0xe000000000UL + ((ulong)i << 10):x} parent=1 goid={900_000 + i} fn=main.held creator=main.main\n"));
        }

        for (int i = 0; i < Held; i++)
        {
            builder.Append(Invariant($"godestroy: goroutine={0xe000000000UL + ((ulong)i << 10):x}\n"));
        }

        for (int i = 0; i < 20; i++)
        {
            builder.Append(Invariant($"ready: ts={last - 500_000_000 + i} goroutine={0xe000000000UL + ((ulong)i << 10):x}\n"));
        }

        return Encoding.UTF8.GetBytes(builder.ToString());

        static long TimestampOf(string line)
        {
            int at = line.IndexOf(" ts=", StringComparison.Ordinal);
            if (at < 0)
            {
                return 0;
            }

            int end = line.IndexOf(' ', at + 4);
            return long.Parse(line.AsSpan(at + 4, (end < 0 ? line.Length : end) - at - 4), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static byte[] Decompressed(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var copy = new MemoryStream();
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
            gzip.CopyTo(copy);
        }
        else
        {
            file.CopyTo(copy);
        }

        return copy.ToArray();
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    /// <summary>
    /// Returns the given reads one by one (in parts when asked for less); before each read after the first
    /// <c>trickleAfter</c> lines, waits (up to 30 s) until the sink has seen every event read so far; a wait that timed
    /// out is counted, and no read waits after it.
    /// </summary>
    private sealed class TrickleStream(List<byte[]> reads, int trickleAfter, Func<long> applied) : ReadOnlyStream
    {
        private int _next;
        private int _offset;
        private long _linesRead;

        public int TrickledReads { get; private set; }

        public int Late { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            if (_next == reads.Count)
            {
                return 0;
            }

            if (_offset == 0 && _linesRead >= trickleAfter && Late == 0)
            {
                TrickledReads++;
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (applied() < _linesRead && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    Thread.Sleep(1);
                }

                if (applied() < _linesRead)
                {
                    Late++;
                }
            }

            // A read the engine asks less of is served in parts.
            ReadOnlySpan<byte> rest = reads[_next].AsSpan(_offset);
            int n = Math.Min(rest.Length, buffer.Length);
            rest[..n].CopyTo(buffer);
            _linesRead += rest[..n].Count((byte)'\n');
            _offset += n;
            if (_offset == reads[_next].Length)
            {
                _next++;
                _offset = 0;
            }

            return n;
        }
    }

    /// <summary>Returns its bytes in reads of at most 64 KiB, then throws an <see cref="IOException"/>.</summary>
    private sealed class FailingStream(byte[] bytes) : ReadOnlyStream
    {
        private int _at;

        public override int Read(Span<byte> buffer)
        {
            if (_at == bytes.Length)
            {
                throw new IOException("the disk is gone");
            }

            int n = Math.Min(Math.Min(buffer.Length, 1 << 16), bytes.Length - _at);
            bytes.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }
    }

    /// <summary>Cancels <see cref="Source"/> at its <see cref="At"/>th event.</summary>
    private struct CancellingSink : ITraceSink
    {
        public CancellationTokenSource Source;
        public long At;
        private long _events;

        public void OnEvent(in TraceEvent e)
        {
            if (++_events == At)
            {
                Source.Cancel();
            }
        }
    }

    private struct CountingSink : ITraceSink
    {
        public long Events;

        public void OnEvent(in TraceEvent e) => Events++;
    }

    private struct ThrowingSink : ITraceSink
    {
        public long ThrowAt;
        private long _events;

        public void OnEvent(in TraceEvent e)
        {
            if (++_events == ThrowAt)
            {
                throw new InvalidOperationException("sink failed");
            }
        }
    }
}
