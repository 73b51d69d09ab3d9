namespace GoTraceEngine.Cli.Tests;

/// <summary>The embedding sample builds and runs: a custom struct sink sees every event.</summary>
public sealed class SampleTests
{
    [Fact]
    public void Sample_GeneratedTrace_PrintsTheSinkHistogramAndTheLeakGroups()
    {
        var output = new StringWriter { NewLine = "\n" };
        int exit = GoTraceEngine.Sample.Program.Run([], output);
        string text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("parks by reason:", text, StringComparison.Ordinal);
        Assert.Contains("chan receive (7)", text, StringComparison.Ordinal);
        Assert.Contains("main.Gather.func1 created by main.Gather: chan send", text, StringComparison.Ordinal);
        Assert.Contains("main.(*Pool).worker created by main.(*Pool).Start: chan receive", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_FixedSeedFixture_ExitsZero()
    {
        var output = new StringWriter { NewLine = "\n" };
        Assert.Equal(0, GoTraceEngine.Sample.Program.Run([Path.Combine(AppContext.BaseDirectory, "fixtures", "fixed.dtrace.txt")], output));
        Assert.StartsWith("8 events, 0 live, 0 blocked", output.ToString(), StringComparison.Ordinal);
    }
}
