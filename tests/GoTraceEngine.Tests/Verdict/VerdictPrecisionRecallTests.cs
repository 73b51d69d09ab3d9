using GoTraceEngine.Generation;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// The verdict measured against generated busy traces with known truth. Each scenario's trace is cut at many lines
/// from 20 s after the attach (or 15 % of the trace) to its end; each cut ends mid-flight, with the reorder window's
/// events applied by <c>Complete()</c>; every blocked goroutine is classified. Scored: the "leak" class alone (what the
/// default report lists as leaks); "likely" is a separate class and counts as not-a-leak here.
/// </summary>
public sealed class VerdictPrecisionRecallTests
{
    public static TheoryData<int, int, int, double, int> BusyScenarios => new()
    {
        // seed, live, seconds of trace, leak incidents per minute, cuts
        { 11, 1_000, 120, 6, 12 },
        { 12, 1_000, 120, 12, 12 },
        { 14, 1_000, 180, 6, 12 },
        { 13, 3_000, 120, 3, 12 },
        { 21, 10_000, 90, 12, 12 },
        { 31, 100_000, 40, 30, 8 },
        { 22, 10_000, 60, 6, 12 },
    };

    [Theory]
    [MemberData(nameof(BusyScenarios))]
    public void BusyTrace_CutAnywhere_LeakClassHasPrecisionAndRecallOfAtLeast90Percent(int seed, int live, int seconds, double leaksPerMinute, int cuts)
    {
        (byte[] data, BusyTraceTruth truth) = VerdictEvaluation.Generate(new BusyTraceOptions
        {
            Seed = seed, Live = live, Duration = TimeSpan.FromSeconds(seconds), LeakIncidentsPerMinute = leaksPerMinute,
        });
        VerdictEvaluation.Score score = VerdictEvaluation.Evaluate(data, truth, cuts);
        TestContext.Current.TestOutputHelper?.WriteLine(score.Describe());

        Assert.True(score.Leaked >= 20, $"too few leaked goroutines at the cuts to measure: {score.Leaked}");
        Assert.True(score.Blocked >= 10 * score.Leaked, "the scenario must be busy: far more blocked goroutines than leaks");
        Assert.True(score.Precision >= 0.9, $"precision {score.Precision:0.000}: {score.Describe()}");
        Assert.True(score.Recall >= 0.9, $"recall {score.Recall:0.000}: {score.Describe()}");
    }

    [Theory]
    [InlineData(15, 1_000, 120, 6)]
    [InlineData(23, 10_000, 60, 12)]
    public void QuiescedTrace_TheVerdictAgreesWithBlockedAtTheEnd(int seed, int live, int seconds, double leaksPerMinute)
    {
        (byte[] data, BusyTraceTruth truth) = VerdictEvaluation.Generate(new BusyTraceOptions
        {
            Seed = seed, Live = live, Duration = TimeSpan.FromSeconds(seconds), LeakIncidentsPerMinute = leaksPerMinute, Quiesce = true,
        });
        var engine = new TraceEngine();
        engine.Feed(data);
        engine.Complete();
        GoTraceEngine.Reporting.TraceSummary summary = engine.GetSummary();

        // Quiesced: the goroutines blocked at the end are exactly the leaks, and the report calls every one a leak.
        Assert.Equal(truth.Leaks.Count, engine.Blocked.Count);
        Assert.True(truth.Leaks.Count >= 5);
        Assert.Equal(engine.Blocked.Count, summary.Leaks.Count);
        foreach (GoTraceEngine.Reporting.LeakSuspect leak in summary.Leaks)
        {
            Assert.True(leak.GoId is { } goid && truth.IsLeakedAt(goid, truth.Lines), leak.Evidence);
        }
    }
}
