using GoTraceEngine.Reporting;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>The dashboard of an engine fed on another thread, as <c>gotrace trace --watch</c> feeds it.</summary>
public sealed class WatchSessionTests
{
    [Fact]
    public async Task PublishUntilAsync_EngineFedOnAnotherThread_StatusLinesWhileItRuns_AndTheSameReport()
    {
        byte[] trace = await File.ReadAllBytesAsync(Fixture("pool-full.trace.txt"), TestContext.Current.CancellationToken);
        var replayed = new TraceEngine();
        replayed.Feed(trace);
        replayed.Complete();

        var engine = new TraceEngine();
        var session = new WatchSession(engine, TimeSpan.FromMilliseconds(20));
        Lock feedLock = new();
        Task feeding = Task.Run(async () =>
        {
            // Small chunks, slowly, for about two seconds: lines cut anywhere, as a tail reads them.
            int chunk = Math.Max(1, trace.Length / 60);
            for (int offset = 0; offset < trace.Length; offset += chunk)
            {
                lock (feedLock)
                {
                    engine.Feed(trace.AsSpan(offset, Math.Min(chunk, trace.Length - offset)));
                }

                await Task.Delay(30, CancellationToken.None);
            }
        }, CancellationToken.None);
        var stderr = new StringWriter { NewLine = "\n" };
        Task publishing = session.PublishUntilAsync(feeding, feedLock);
        await WatchCommand.ShowAsync(session, feeding, stderr, terminal: false);
        await publishing;
        await feeding;
        engine.Complete();

        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, stderr.ToString());
        Assert.All(lines, line => Assert.StartsWith("gotrace watch: ", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => !line.Contains(" 0 events ", StringComparison.Ordinal));
        Assert.Equal(ReportWriter.ToJson(replayed.GetSummary()), ReportWriter.ToJson(engine.GetSummary()));
    }
}
