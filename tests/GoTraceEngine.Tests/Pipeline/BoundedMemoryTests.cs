using System.Globalization;
using System.Text;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Pipeline;

public sealed class BoundedMemoryTests
{
    [Fact]
    public void Replay_MoreDistinctPointersThanTheCap_TracksTheCapAndWarns()
    {
        var text = new StringBuilder();
        for (int i = 1; i <= 1000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"newproc1: goroutine={0xc000000000UL + ((ulong)i << 9):x}\n");
        }

        text.Append("gopark: goroutine=c000000200 reason=6\n");
        var engine = new TraceEngine(new TraceEngineOptions { MaxGoroutines = 100 });
        engine.Feed(Encoding.ASCII.GetBytes(text.ToString()));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(100, summary.Live);
        Assert.Equal(1, summary.Blocked);
        TraceWarning warning = Assert.Single(summary.Warnings);
        Assert.Equal(WarningKind.Limit, warning.Kind);
        Assert.Equal(101, warning.Line);
        Assert.StartsWith("900 creates not tracked", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_CutMidLine_ReportsWhatWasSeenMarkedIncomplete()
    {
        byte[] trace = "newproc1: goroutine=c000\ngopark: goroutine=c000 reason=6\nnewproc1: gorou"u8.ToArray();
        for (int cut = 0; cut <= trace.Length; cut++)
        {
            var engine = new TraceEngine();
            engine.Feed(trace.AsSpan(0, cut));
            engine.Complete();
            TraceSummary summary = engine.GetSummary();
            bool midLine = cut > 0 && trace[cut - 1] != (byte)'\n';
            Assert.Equal(midLine, summary.Incomplete.Count > 0);
            Assert.Equal(summary.Lines.Total, summary.Lines.Events + summary.Lines.Skipped);
        }
    }

    [Fact]
    public void Complete_WithAReason_MarksTheReportIncomplete()
    {
        var engine = new TraceEngine();
        engine.Feed("newproc1: goroutine=c000\n"u8);
        engine.Complete(IncompleteReason.Interrupted, "replay was interrupted");
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(["replay was interrupted"], summary.Incomplete);
        Assert.Equal(1, summary.Live);
        var text = new StringWriter();
        ReportWriter.WriteText(summary, text);
        Assert.StartsWith("gotrace: INCOMPLETE: replay was interrupted", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_FiftyMegabytesOfRandomBytes_AccountsForEveryLineWithinBoundedMemory()
    {
        var random = new Random(50);
        byte[] chunk = new byte[1 << 20];
        var engine = new TraceEngine();
        long newlines = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            random.NextBytes(chunk);
            newlines += chunk.AsSpan().Count((byte)'\n');
            engine.Feed(chunk);
        }

        engine.Complete();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(newlines + (chunk[^1] == (byte)'\n' ? 0 : 1), summary.Lines.Total);
        Assert.Equal(summary.Lines.Total, summary.Lines.Events + summary.Lines.Skipped);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for 50 MB of random bytes");
    }
}
