using System.Text;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Pipeline;

/// <summary>Corrupt timestamps and events older than their goroutine's state: a diagnostic each, and the verdict of the sorted trace.</summary>
public sealed class TraceEngineClockTests
{
    private static TraceSummary Replay(string text, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine(options);
        engine.Feed(Encoding.UTF8.GetBytes(text));
        engine.Complete();
        return engine.GetSummary();
    }

    private static string LeakSet(TraceSummary s) => string.Join(';', s.Leaks.Select(l => (l.G, l.Reason, l.StartFunction)).Order());

    [Theory]
    [InlineData("99999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("-5")]
    public void Replay_OneCorruptTimestamp_IsADiagnosticAndTheVerdictStands(string corrupt)
    {
        string[] lines = File.ReadAllLines(Fixtures.PathOf("pool-full.trace.txt"));
        TraceSummary original = Replay(string.Join('\n', lines) + "\n");
        int victim = Array.FindIndex(lines, l => l.StartsWith("ready: ", StringComparison.Ordinal));
        string[] damaged = [.. lines];
        damaged[victim] = System.Text.RegularExpressions.Regex.Replace(lines[victim], @"ts=\d+", "ts=" + corrupt);
        TraceSummary summary = Replay(string.Join('\n', damaged) + "\n");

        Assert.Equal(LeakSet(original), LeakSet(summary));
        Assert.Equal(original.Live, summary.Live);
        Assert.Equal(original.Timing.LastTs, summary.Timing.LastTs);
        Assert.Equal(0, summary.Timing.Late);
        Assert.Equal(1, summary.Timing.UntrustedTimestamps);
        LineDiagnostic clock = Assert.Single(summary.Diagnostics, d => d.Category == DiagnosticKind.Clock);
        Assert.Equal(victim + 1, clock.Line);
    }

    [Fact]
    public void Replay_GeneratedTraceWithOneCorruptTimestamp_SameLiveAndLeaks()
    {
        using var buffer = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 5, Format = TraceFormat.Full, Events = 300_000, Live = 500, Leaks = 40 }).Write(buffer);
        string text = Encoding.UTF8.GetString(buffer.ToArray());
        int middle = text.IndexOf("ts=", text.Length / 2, StringComparison.Ordinal);
        int end = text.IndexOf(' ', middle);
        string damaged = string.Concat(text.AsSpan(0, middle), "ts=99999999999999999", text.AsSpan(end));

        TraceSummary original = Replay(text);
        TraceSummary summary = Replay(damaged);
        Assert.Equal(original.Live, summary.Live);
        Assert.Equal(LeakSet(original), LeakSet(summary));
        Assert.Equal(0, summary.Timing.Late);
        Assert.Equal(1, summary.Timing.UntrustedTimestamps);
    }

    [Fact]
    public void Replay_FirstTimestampCorrupt_ClockRestartsAndTheVerdictStands()
    {
        string[] lines = File.ReadAllLines(Fixtures.PathOf("pool-full.trace.txt"));
        TraceSummary original = Replay(string.Join('\n', lines) + "\n");
        int first = Array.FindIndex(lines, l => l.Contains("ts=", StringComparison.Ordinal));
        string[] damaged = [.. lines];
        damaged[first] = System.Text.RegularExpressions.Regex.Replace(lines[first], @"ts=\d+", "ts=99999999999999999");
        TraceSummary summary = Replay(string.Join('\n', damaged) + "\n");

        Assert.Equal(LeakSet(original), LeakSet(summary));
        Assert.Contains(summary.Diagnostics, d => d.Category == DiagnosticKind.Clock && d.Message.Contains("clock restarts", StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_LateReadyOlderThanTheCurrentPark_IsNotApplied()
    {
        // Sorted: create 1s, park 2s, ready 3s, park 10s: blocked at the end. The ready arrives after the second park left the window.
        const string Trace = """
            newproc1: ts=1000000000 goroutine=c000001000 goid=18 fn=main.worker
            gopark: ts=2000000000 goroutine=c000001000 reason=7
            gopark: ts=10000000000 goroutine=c000001000 reason=7
            profile-1s: ts=20000000000
            ready: ts=3000000000 goroutine=c000001000

            """;
        TraceSummary summary = Replay(Trace, new TraceEngineOptions { ReorderWindow = TimeSpan.FromSeconds(1) });
        Assert.Equal(1, summary.Blocked);
        Assert.Equal(1, summary.Timing.Late);
        Assert.Equal(1, summary.Timing.Stale);
        Assert.Contains(summary.Diagnostics, d => d.Category == DiagnosticKind.Stale && d.Line == 5);
        Assert.Contains(summary.Warnings, w => w.Kind == WarningKind.Late);
    }

    [Fact]
    public void Replay_LateDestroyOfThePreviousGoroutineOnAReusedG_LeavesTheNewOneAlone()
    {
        const string Trace = """
            newproc1: ts=1000000000 goroutine=c000001000 goid=18 fn=main.old
            newproc1: ts=5000000000 goroutine=c000001000 goid=19 fn=main.worker
            gopark: ts=6000000000 goroutine=c000001000 reason=6
            profile-1s: ts=20000000000
            godestroy: ts=3000000000 goroutine=c000001000

            """;
        TraceSummary summary = Replay(Trace, new TraceEngineOptions { ReorderWindow = TimeSpan.FromSeconds(1) });
        LeakSuspect leak = Assert.Single(summary.Leaks);
        Assert.Equal(19, leak.GoId);
        Assert.Equal(1, summary.Timing.Stale);
    }

    [Fact]
    public void Replay_WindowZero_SaysHowManyEventsCameOutOfOrder()
    {
        string[] lines = File.ReadAllLines(Fixtures.PathOf("pool-full.trace.txt"));
        TraceSummary summary = Replay(string.Join('\n', lines) + "\n", new TraceEngineOptions { ReorderWindow = TimeSpan.Zero });
        Assert.True(summary.Timing.Late > 0);
        TraceWarning late = Assert.Single(summary.Warnings, w => w.Kind == WarningKind.Late);
        Assert.Contains($"{summary.Timing.Late} events arrived", late.Message, StringComparison.Ordinal);
    }
}
