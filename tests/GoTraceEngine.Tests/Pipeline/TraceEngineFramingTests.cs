using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Pipeline;

public sealed class TraceEngineFramingTests
{
    public static TheoryData<string, string> FixturesByWay()
    {
        var data = new TheoryData<string, string>();
        foreach (string fixture in Fixtures.TraceNames())
        {
            foreach (string way in Replays.Ways)
            {
                data.Add(fixture, way);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixturesByWay))]
    public async Task Replay_AnySegmentation_GivesTheIdenticalReport(string fixture, string way)
    {
        byte[] data = Fixtures.Read(fixture);
        string expected = ReportWriter.ToJson(await Replays.RunAsync(data, "whole"));
        string actual = ReportWriter.ToJson(await Replays.RunAsync(data, way));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Replay_RandomSplitsOfALongStream_GiveTheIdenticalReport()
    {
        byte[] data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2_000).Select(i =>
            $"newproc1: goroutine={0xc000000000 + (ulong)(i % 97 * 0x400):x} parent={i} count={i}\r\n" +
            $"gopark: goroutine={0xc000000000 + (ulong)(i % 89 * 0x400):x} reason={i % 9} blocked_count=0\n" +
            (i % 5 == 0 ? $"godestroy: goroutine={0xc000000000 + (ulong)(i % 83 * 0x400):x}\n" : "noise line from the program\n"))));
        string expected = ReportWriter.ToJson(await Replays.RunAsync(data, "whole"));
        foreach (string way in Replays.Ways)
        {
            Assert.Equal(expected, ReportWriter.ToJson(await Replays.RunAsync(data, way)));
        }
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("\n", 1)]
    [InlineData("\r\n", 1)]
    [InlineData("a", 1)]
    [InlineData("a\nb", 2)]
    [InlineData("a\nb\n", 2)]
    [InlineData("a\r\nb\r\n\r\n", 3)]
    [InlineData("\n\n\n", 3)]
    public async Task Replay_LineCounting_CountsTheLastLineWithoutNewline(string input, long lines)
    {
        foreach (string way in Replays.Ways)
        {
            TraceSummary summary = await Replays.RunAsync(Encoding.UTF8.GetBytes(input), way);
            Assert.Equal(lines, summary.Lines.Total);
            Assert.Equal(summary.Lines.Total, summary.Lines.Events + summary.Lines.Skipped);
        }
    }

    [Fact]
    public async Task Replay_LastEventWithoutNewline_IsApplied()
    {
        byte[] data = Encoding.UTF8.GetBytes("newproc1: goroutine=c000 parent=1\r\ngopark: goroutine=c000 reason=7");
        foreach (string way in Replays.Ways)
        {
            TraceSummary summary = await Replays.RunAsync(data, way);
            Assert.Equal(1, summary.Blocked);
            Assert.Equal("chan receive", Assert.Single(summary.Leaks).Reason);
        }
    }

    [Fact]
    public async Task Replay_LinePastMaximum_IsSkippedCountedAndDiagnosed()
    {
        var options = new TraceEngineOptions { MaxLineLength = 100 };
        string longLine = "newproc1: goroutine=c000 parent=1 junk=" + new string('x', 500);
        byte[] data = Encoding.UTF8.GetBytes("newproc1: goroutine=d000 parent=1\n" + longLine + "\nready: goroutine=d000\n" + longLine);
        foreach (string way in Replays.Ways)
        {
            TraceSummary summary = await Replays.RunAsync(data, way, options);
            Assert.Equal(4, summary.Lines.Total);
            Assert.Equal(2, summary.Lines.SkippedByCategory["tooLong"]);
            Assert.Equal(1, summary.Live);
            LineDiagnostic first = summary.Diagnostics[0];
            Assert.Equal(2, first.Line);
            Assert.Equal(DiagnosticKind.TooLong, first.Category);
            Assert.Contains("539 bytes", first.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Feed_HugeLineInSmallChunks_KeepsMemoryBounded()
    {
        // 64 MiB of one line, fed 64 KiB at a time: the engine must not buffer it.
        var engine = new TraceEngine(new TraceEngineOptions { MaxLineLength = 4096 });
        byte[] chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'y');
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1024; i++)
        {
            engine.Feed(chunk);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        engine.Feed("\nready: goroutine=c000\n"u8);
        engine.Complete();
        // Bounded far below the line (64 MiB), with room for the runtime's own compiles (about 8 KB each) met on this
        // thread the first time a path runs.
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes while skipping one long line");
        Assert.Equal(2, engine.LinesRead);
        Assert.Equal(1, engine.GetLineCount(LineCategory.TooLong));
        Assert.Equal(1, engine.EventsRead);
    }

    [Fact]
    public void Feed_AfterComplete_Throws()
    {
        var engine = new TraceEngine();
        engine.Complete();
        Assert.Throws<InvalidOperationException>(() => engine.Feed("x\n"u8));
    }

    [Fact]
    public async Task Replay_InvalidUtf8AndNuls_AreCountedNotFatal()
    {
        byte[] data = [.. "newproc1: goroutine=c000\n"u8, 0xC3, 0x28, 0x00, 0xFF, (byte)'\n', 0, 0, (byte)'\n', .. "gopark: goroutine=c000 reason=6\n"u8];
        foreach (string way in Replays.Ways)
        {
            TraceSummary summary = await Replays.RunAsync(data, way);
            Assert.Equal(4, summary.Lines.Total);
            Assert.Equal(2, summary.Lines.Events);
            Assert.Equal(1, summary.Lines.SkippedByCategory["invalidUtf8"]);
            Assert.Equal(1, summary.Blocked);
        }
    }

    [Fact]
    public void Feed_MalformedLines_GetDiagnosticsWithLineNumbersAndTheRunGoesOn()
    {
        var engine = new TraceEngine(new TraceEngineOptions { MaxDiagnostics = 2 });
        engine.Feed("newproc1: goroutine=c000\ngopark: goroutine=c000\ngopark: goroutine=zz reason=6\ngopark: goroutine=c000 reason=x\ngopark: goroutine=c000 reason=6\n"u8);
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(3, summary.Lines.SkippedByCategory["malformed"]);
        Assert.Equal(2, summary.Diagnostics.Count);
        Assert.Equal(1, summary.DiagnosticsOmitted);
        Assert.Equal(new LineDiagnostic { Line = 2, Category = DiagnosticKind.Malformed, Message = "gopark line has no reason= value", Text = "gopark: goroutine=c000" }, summary.Diagnostics[0]);
        Assert.Equal(3, summary.Diagnostics[1].Line);
        Assert.Equal(1, summary.Blocked);
    }
}
