using System.Diagnostics;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class WatchCommandTests
{
    [Fact]
    public async Task Watch_NotATerminal_PrintsStatusLinesThenTheSameReportAsReplay()
    {
        var replayed = new StringWriter { NewLine = "\n" };
        await GotraceCommand.RunAsync(["replay", Fixture("pool-full.trace.txt")], () => new MemoryStream(), replayed, TextWriter.Null, TestContext.Current.CancellationToken);

        var watched = new StringWriter { NewLine = "\n" };
        var slow = new SlowStream(await File.ReadAllBytesAsync(Fixture("pool-full.trace.txt"), TestContext.Current.CancellationToken), bytesPerRead: 200, delay: TimeSpan.FromMilliseconds(60));
        int exit = await GotraceCommand.RunAsync(["watch", "--refresh", "50"], () => slow, watched, TextWriter.Null, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        string output = watched.ToString();
        Assert.StartsWith("gotrace watch: ", output, StringComparison.Ordinal);
        Assert.EndsWith(replayed.ToString(), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/trace.txt", "no such directory")]
    [InlineData("DIR", "is a directory")]
    public async Task Watch_UnreadableInput_ExitsTwoWithOneLine(string path, string reason)
    {
        (int exit, _, string error) = await RunAsync("watch", path == "DIR" ? AppContext.BaseDirectory : path);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_WarmLongWatch_AllocatesNothingPerRefresh()
    {
        using var trace = new MemoryStream();
        new TraceGenerator(new TraceGeneratorOptions { Seed = 2, Format = TraceFormat.Full, Events = 100_000, Live = 2000, Leaks = 5 }).Write(trace);
        var engine = new TraceEngine(new TraceEngineOptions { ReorderWindow = TimeSpan.FromMilliseconds(5) });
        engine.Feed(trace.ToArray());
        var session = new WatchSession(engine, TimeSpan.FromMilliseconds(100));
        for (int i = 0; i < 10; i++)
        {
            session.Publish();
            session.Return(session.TakeLatest()!);
        }

        Allocations.Measure(200, _ =>
        {
            session.Publish();
            WatchSnapshot snapshot = session.TakeLatest()!;
            Assert.True(snapshot.Blocked > 0);
            session.Return(snapshot);
        }).AssertNone(200);
    }

    [Fact]
    public void Snapshot_TopGroups_AreTheBiggestFirst()
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixture("pool-full.trace.txt"));
        var session = new WatchSession(engine, TimeSpan.FromMilliseconds(100));
        session.Publish();
        WatchSnapshot s = session.TakeLatest()!;
        Assert.Equal(3, s.GroupCount);
        Assert.Equal(("main.Gather.func1", 3L), (s.Groups[0].StartFunction, s.Groups[0].Count));
        Assert.Equal(("main.worker", 2L), (s.Groups[1].StartFunction, s.Groups[1].Count));
        Assert.Contains("live 7 blocked 6", WatchCommand.StatusLine(s), StringComparison.Ordinal);

        // The report's groups, with the creator the dashboard shows beside the start function.
        Assert.Contains("blocked 6 leaked 6", WatchCommand.StatusLine(s), StringComparison.Ordinal);
        Assert.Contains("top leak: 3 main.Gather.func1 created by main.Gather: chan send", WatchCommand.StatusLine(s), StringComparison.Ordinal);
        Assert.Equal(engine.GetSummary().LeakGroups.Select(g => (g.StartFunction, g.Creator, g.Reason, g.Count)), s.Groups.Take(s.GroupCount).Select(g => (g.StartFunction, g.Creator, g.Reason, g.Count)));
    }

    [Fact]
    public async Task Watch_InARealTerminal_ShowsTheDashboardThenTheReport()
    {
        if (!File.Exists("/usr/bin/tmux"))
        {
            Assert.Skip("tmux is not installed: the dashboard was not driven through a terminal");
        }

        string session = "gotrace-watch-" + Environment.ProcessId;
        string gotrace = typeof(GotraceCommand).Assembly.Location;
        string script = Path.Combine(Path.GetTempPath(), session + ".sh");
        await File.WriteAllTextAsync(
            script,
            $"(while IFS= read -r l; do printf '%s\\n' \"$l\"; sleep 0.05; done < '{Fixture("pool-full.trace.txt")}') | dotnet '{gotrace}' watch --refresh 100\nsleep 30\n",
            TestContext.Current.CancellationToken);
        Tmux("new-session", "-d", "-s", session, "-x", "110", "-y", "40", "sh " + script);
        try
        {
            string dashboard = await PollAsync(session, screen => screen.Contains("top groups", StringComparison.Ordinal));
            Assert.Contains("gotrace watch", dashboard, StringComparison.Ordinal);
            Assert.Contains("blocked", dashboard, StringComparison.Ordinal);

            // The report's last line: a screen captured while the report was still being written lacked its groups.
            string report = await PollAsync(session, screen => screen.Contains("script counters", StringComparison.Ordinal));
            Assert.Contains("leaked goroutines in 3 groups", report, StringComparison.Ordinal);
            Assert.Contains("main.Gather.func1", report, StringComparison.Ordinal);
        }
        finally
        {
            Tmux("kill-session", "-t", session);
            File.Delete(script);
        }
    }

    /// <summary>Polls the terminal until it shows what is expected: a minute at most (a hang, not a speed limit; the machine is shared).</summary>
    private static async Task<string> PollAsync(string session, Func<string, bool> done)
    {
        string screen = string.Empty;
        for (int i = 0; i < 1200 && !done(screen); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            screen = Tmux("capture-pane", "-p", "-t", session);
        }

        Assert.True(done(screen), "the screen never showed what was expected:\n" + screen);
        return screen;
    }

    private static string Tmux(params string[] args)
    {
        using Process tmux = Process.Start(new ProcessStartInfo("tmux", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = tmux.StandardOutput.ReadToEnd();
        tmux.WaitForExit();
        return output;
    }

    [Fact]
    public async Task Ingest_InputGoesIdle_SnapshotsKeepComingAndSayHowLong()
    {
        var engine = new TraceEngine();
        var session = new WatchSession(engine, TimeSpan.FromMilliseconds(50));
        var idle = new Faults.IdleStream(File.ReadAllBytes(Fixture("leaky.dtrace.txt")));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Task ingest = Task.Run(() => session.IngestAsync(idle, cancel.Token), CancellationToken.None);
        try
        {
            // Count the refreshes that came while the input was idle: the data was read (all 7 events) and nothing since.
            // Wait for both (five refreshes, and one saying a second or more), not for a time: on a loaded machine the
            // 50 ms refreshes can come late, and only their stopping while idle is the failure.
            int idleSnapshots = 0;
            double idleSeconds = 0;
            string status = string.Empty;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && (idleSeconds < 1 || idleSnapshots < 5))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
                if (session.TakeLatest() is { } snapshot)
                {
                    if (snapshot.Events == 7 && snapshot.IdleSeconds > 0)
                    {
                        idleSnapshots++;
                        idleSeconds = snapshot.IdleSeconds;
                        Assert.Equal(3, snapshot.Blocked);
                        status = WatchCommand.StatusLine(snapshot);
                    }

                    session.Return(snapshot);
                }
            }

            Assert.True(idleSeconds >= 1, $"the input was idle, but the snapshots said {idleSeconds:0.00}s");
            Assert.True(idleSnapshots >= 5, $"only {idleSnapshots} refreshes while the input was idle");
            Assert.Matches(@"input idle [1-9]\d*s", status);
        }
        finally
        {
            await cancel.CancelAsync();
            await ingest;
            idle.Dispose();
        }

        Assert.Contains(IncompleteReason.Interrupted, engine.GetSummary().IncompleteReasons);
    }

    /// <summary>Hands its data out a little at a time, as a tracer does.</summary>
    private sealed class SlowStream(byte[] data, int bytesPerRead, TimeSpan delay) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, cancellationToken);
            int n = Math.Min(Math.Min(bytesPerRead, buffer.Length), data.Length - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
