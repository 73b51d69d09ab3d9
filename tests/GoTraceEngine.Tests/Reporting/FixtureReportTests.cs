using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Reporting;

public sealed class FixtureReportTests
{
    public static TheoryData<string> Traces() => Fixtures.TraceNames();

    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_EveryFixture_MatchesItsExpectedReport(string fixture)
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf(fixture));
        var text = new StringWriter { NewLine = "\n" };
        ReportWriter.WriteText(engine.GetSummary(), text);

        string expectedName = Fixtures.ExpectedName(fixture);
        if (Fixtures.UpdateGolden)
        {
            File.WriteAllText(Path.Combine(Fixtures.SourceDirectory(), expectedName), text.ToString());
        }

        Assert.Equal(File.ReadAllText(Fixtures.PathOf(expectedName)), text.ToString());
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Replay_EveryFixture_AccountsForEveryLine(string fixture)
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf(fixture));
        TraceSummary summary = engine.GetSummary();
        long physicalLines = CountLines(Fixtures.Read(fixture));
        Assert.Equal(physicalLines, summary.Lines.Total);
        Assert.Equal(summary.Lines.Total, summary.Lines.Events + summary.Lines.Skipped);
        Assert.Equal(summary.Lines.Skipped, summary.Lines.SkippedByCategory.Values.Sum());
        Assert.True(summary.Completed);
    }

    [Theory]
    [InlineData("leaky.dtrace.txt")]
    [InlineData("leaky-nonquiet.dtrace.txt")]
    [InlineData("leaky-noisy.dtrace.txt")]
    public void Replay_LeakyGather_FindsThreeGoroutinesStuckOnChanSend(string fixture)
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf(fixture));
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(3, summary.Live);
        Assert.Equal(3, summary.Blocked);
        Assert.Equal(3, summary.BlockedByReason["chan send"]);
        Assert.Equal(new ReasonCount { Reason = "chan send", ReasonCode = 6, Count = 3 }, Assert.Single(summary.BlockedReasons));
        Assert.Equal([0x140000036c0UL, 0x14000003a40UL, 0x14000003880UL], summary.Leaks.Select(l => l.G));
        Assert.All(summary.Leaks, l => Assert.Equal(0x140000021c0UL, l.Parent));
        Assert.Equal(0, summary.Anomalies.Total);
        Assert.True(summary.ScriptCounters.Agree);
        Assert.Equal(0, summary.ScriptCounters.Disagreements);
    }

    [Theory]
    [InlineData("fixed.dtrace.txt")]
    [InlineData("fixed-nonquiet.dtrace.txt")]
    public void Replay_FixedGather_HasNothingLiveOrBlocked(string fixture)
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf(fixture));
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(0, summary.Live);
        Assert.Equal(0, summary.Blocked);
        Assert.Empty(summary.Leaks);
        Assert.Empty(summary.BlockedByReason);

        // The seed's script printed blocked_count=1 after the first destroy, with no park before it: its counters drift.
        Assert.Equal(1, summary.ScriptCounters.Disagreements);
        Assert.True(summary.ScriptCounters.Agree);
    }

    [Fact]
    public void Replay_NoisyCapture_TurnsDropsAndProbeErrorsIntoWarnings()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixtures.PathOf("leaky-noisy.dtrace.txt"));
        TraceSummary summary = engine.GetSummary();
        Assert.Equal([WarningKind.DataLoss, WarningKind.ProbeError], summary.Warnings.Select(w => w.Kind));
        Assert.Equal("dtrace: 11 drops on CPU 5", summary.Warnings[0].Message);
        Assert.Equal(11, summary.Warnings[0].Line);
        Assert.Equal(1, summary.Lines.SkippedByCategory["invalidUtf8"]);
        Assert.Equal(3, summary.Lines.SkippedByCategory["stackFrame"]);
    }

    [Fact]
    public void Replay_FirstScript_TracksCreatesAndDestroys()
    {
        var leaky = new TraceEngine();
        leaky.ReplayFile(Fixtures.PathOf("first-script-leaky.dtrace.txt"));
        Assert.Equal(3, leaky.Live.Count);
        Assert.Equal(0, leaky.Blocked.Count);

        var fixedRun = new TraceEngine();
        fixedRun.ReplayFile(Fixtures.PathOf("first-script-fixed.dtrace.txt"));
        Assert.Equal(0, fixedRun.Live.Count);
    }

    private static long CountLines(byte[] data)
    {
        long newlines = data.AsSpan().Count((byte)'\n');
        return data.Length > 0 && data[^1] != (byte)'\n' ? newlines + 1 : newlines;
    }
}
