using System.Globalization;

namespace GoTraceEngine.Tests.Fuzzing;

/// <summary>
/// A fixed-seed slice of the fuzz harness on every test run. The long run (10 M inputs) is the same test with
/// <c>GOTRACE_FUZZ_INPUTS</c> and <c>GOTRACE_FUZZ_SEED</c> set; see the README.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void Fuzz_FixedSeedSlice_HoldsEveryInvariant()
    {
        long inputs = long.Parse(Environment.GetEnvironmentVariable("GOTRACE_FUZZ_INPUTS") ?? "30000", CultureInfo.InvariantCulture);
        int seed = int.Parse(Environment.GetEnvironmentVariable("GOTRACE_FUZZ_SEED") ?? "20261128", CultureInfo.InvariantCulture);
        int workers = Environment.ProcessorCount;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, workers, worker =>
        {
            long from = inputs * worker / workers;
            long to = inputs * (worker + 1) / workers;
            foreach (string failure in FuzzHarness.Run(seed, from, to))
            {
                failures.Add(failure);
            }
        });

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        TestContext.Current.SendDiagnosticMessage($"fuzz: seed {seed}, {inputs} inputs, no invariant failed");
    }
}
