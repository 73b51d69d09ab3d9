using GoTraceEngine.Reporting;
using GoTraceEngine.State;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests;

/// <summary>The README's library snippet, compiled and run.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public async Task Readme_LibrarySnippet_RunsAndReportsTheLeaks()
    {
        string path = Fixtures.PathOf("leaky.dtrace.txt");
        var output = new StringWriter();
        var blocked = new List<BlockedGoroutine>();

        // README "Library" snippet, with Console.Out replaced by a writer the test reads.
        using var engine = new TraceEngine();
        await engine.ReplayFileAsync(path, TestContext.Current.CancellationToken);
        TraceSummary summary = engine.GetSummary();
        ReportWriter.WriteText(summary, output);
        foreach (BlockedGoroutine g in engine.Blocked)
        {
            blocked.Add(g);
        }

        Assert.StartsWith("gotrace: 3 leaked goroutines", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, blocked.Count);
        Assert.All(blocked, g => Assert.Equal(6, g.Reason));
    }

    [Theory]
    [InlineData("leaky.expected.txt")]
    [InlineData("pool-full.expected.txt")]
    public void Readme_SampleReports_AreTheToolsRealOutput(string golden)
    {
        string readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Fixtures.SourceDirectory())!, "README.md"));
        Assert.Contains("```\n" + File.ReadAllText(Fixtures.PathOf(golden)) + "```", readme, StringComparison.Ordinal);
    }
}
