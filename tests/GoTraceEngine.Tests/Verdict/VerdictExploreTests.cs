using System.Diagnostics;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Tests.Verdict;

public sealed class VerdictExploreTests
{
    [Theory]
    [InlineData(1, 1000, 120, 6.0, false)]
    [InlineData(2, 10_000, 90, 6.0, false)]
    [InlineData(4, 1000, 120, 20.0, false)]
    [InlineData(5, 100_000, 60, 30.0, false)]
    [InlineData(3, 1000, 120, 6.0, true)]
    
    
    public void Explore(int seed, int live, int seconds, double rate, bool quiesce)
    {
        var clock = Stopwatch.StartNew();
        (byte[] data, BusyTraceTruth truth) = VerdictEvaluation.Generate(new BusyTraceOptions
        {
            Seed = seed, Live = live, Duration = TimeSpan.FromSeconds(seconds), LeakIncidentsPerMinute = rate, Quiesce = quiesce,
        });
        TestContext.Current.TestOutputHelper!.WriteLine($"generated {truth.Lines} lines, {data.Length} bytes, {truth.Leaks.Count} leaks in {clock.ElapsedMilliseconds} ms");
        clock.Restart();
        VerdictEvaluation.Score score = VerdictEvaluation.Evaluate(data, truth, quiesce ? 1 : 12);
        TestContext.Current.TestOutputHelper!.WriteLine($"evaluated in {clock.ElapsedMilliseconds} ms: {score.Describe()}");
    }
}
