using System.Security.Cryptography;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Generation;

public sealed class TraceGeneratorTests
{
    private static byte[] Generate(TraceGeneratorOptions options)
    {
        using var stream = new MemoryStream();
        new TraceGenerator(options).Write(stream);
        return stream.ToArray();
    }

    private static TraceSummary Replay(byte[] trace, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine(options);
        engine.Feed(trace);
        engine.Complete();
        return engine.GetSummary();
    }

    [Theory]
    [InlineData(TraceFormat.Quiet)]
    [InlineData(TraceFormat.NonQuiet)]
    [InlineData(TraceFormat.Full)]
    public void Write_SameOptions_WritesTheSameBytes(TraceFormat format)
    {
        var options = new TraceGeneratorOptions { Seed = 9, Format = format, Events = 50_000, Leaks = 3 };
        Assert.Equal(SHA256.HashData(Generate(options)), SHA256.HashData(Generate(options)));
        Assert.NotEqual(SHA256.HashData(Generate(options)), SHA256.HashData(Generate(options with { Seed = 10 })));
    }

    [Theory]
    [InlineData(TraceFormat.Quiet)]
    [InlineData(TraceFormat.NonQuiet)]
    [InlineData(TraceFormat.Full)]
    public void Write_EveryFormat_ParsesCleanlyAndKeepsTheLivePopulation(TraceFormat format)
    {
        byte[] trace = Generate(new TraceGeneratorOptions { Seed = 3, Format = format, Events = 200_000, Live = 500, Leaks = 7 });
        TraceSummary summary = Replay(trace);
        Assert.Equal(0, summary.Lines.SkippedByCategory["malformed"]);
        Assert.Equal(0, summary.Anomalies.Total);
        Assert.Equal(0, summary.Timing.Late);
        Assert.Equal(500 + 7, summary.Live);
        Assert.True(summary.Events.Create > 500 && summary.Events.Destroy > 0 && summary.Events.Ready > 0);
        Assert.True(summary.Lines.Events >= 200_000);
        if (format != TraceFormat.Full)
        {
            // The generator prints the script's counters true: they must agree with the engine on every line.
            Assert.Equal(0, summary.ScriptCounters.Disagreements);
            Assert.True(summary.ScriptCounters.Checked > 100_000);
        }
    }

    [Fact]
    public void Write_FullFormat_ItsLeaksAreTheLongestBlockedGroups()
    {
        byte[] trace = Generate(new TraceGeneratorOptions { Seed = 5, Format = TraceFormat.Full, Events = 400_000, Leaks = 8 });
        TraceSummary summary = Replay(trace, new TraceEngineOptions { LeakAfter = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(8, summary.Leaks.Count);
        Assert.Equal(
            ["main.(*Pool).worker", "main.(*Store).update", "main.Gather.func1", "main.watch.func1"],
            summary.LeakGroups.Select(g => g.StartFunction!).Order(StringComparer.Ordinal));
        Assert.All(summary.LeakGroups, g => Assert.Equal(2, g.Count));
        Assert.True(summary.Timing.Reordered > 0);
    }

    [Fact]
    public void Write_SizedByBytes_StopsAtTheSize()
    {
        byte[] trace = Generate(new TraceGeneratorOptions { Seed = 1, Bytes = 1 << 20 });
        Assert.InRange(trace.Length, 1 << 20, (1 << 20) + 4096);
        Assert.Equal((byte)'\n', trace[^1]);
    }

    [Fact]
    public void Create_WithoutASize_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TraceGenerator(default));
    }
}
