using GoTraceEngine.State;
using GoTraceEngine.Tests.Infrastructure;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// The design rule: a trace that ends quiesced (the seed's outputs, short test programs) must keep reporting every
/// goroutine still blocked at the end as a leak. Every bundled fixture is replayed through the verdict.
/// </summary>
public sealed class VerdictFixtureTests
{
    public static TheoryData<string> Traces => Fixtures.TraceNames();

    [Theory]
    [MemberData(nameof(Traces))]
    public void EveryGoroutineBlockedAtTheEndOfAFixture_IsALeak(string name)
    {
        var driver = new VerdictDriver();
        TraceEngine<VerdictSink> engine = VerdictDriver.CreateEngine(driver);
        engine.Feed(Fixtures.Read(name));
        engine.Complete();
        driver.Verdict.Advance(engine.LatestTimestamp);

        var verdicts = new List<string>();
        foreach (BlockedGoroutine blocked in engine.Blocked)
        {
            Assert.True(driver.TryClassify(blocked.GPointer, out VerdictEvidence evidence));
            verdicts.Add($"{blocked.GPointer:x} {VerdictText.Name(evidence.Class)} {evidence.Rule}: {VerdictText.Describe(evidence)}");
            Assert.True(evidence.Class == VerdictClass.Leak, $"{name}: g {blocked.GPointer:x} is {evidence.Class} ({VerdictText.Describe(evidence)})");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', verdicts));
        Assert.Equal(engine.Blocked.Count, verdicts.Count);
    }
}
