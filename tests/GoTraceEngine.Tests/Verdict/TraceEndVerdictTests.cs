using System.Text;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// The end record is when the tracer stopped. A tracer detached from a running program (<c>gotrace trace -p PID
/// --duration</c>, Ctrl-C) prints it after its probes are gone, so the gap before it is no silence in the program;
/// after the program's exit line it is.
/// </summary>
public sealed class TraceEndVerdictTests
{
    private const int Sessions = 20;

    [Fact]
    public void EndAfterAGap_TracerStoppedWhileTheProgramRan_BusySessionsAreWaiting()
    {
        TraceSummary summary = Replay(Busy(header: true, exitLine: false));
        Assert.Equal(Sessions, summary.Blocked);
        Assert.Empty(summary.Leaks);
        Assert.Equal(Sessions, summary.WaitingGroups.Sum(g => g.Count));

        // The group's example is its longest blocked: session 0, the first to park again in the last round.
        Assert.Equal(0xc000000000UL, Assert.Single(summary.WaitingGroups).ExampleG);
    }

    [Fact]
    public void EndAfterAGap_AfterTheProgramExited_EveryBlockedGoroutineIsALeakOfAQuiescedProgram()
    {
        TraceSummary summary = Replay(Busy(header: true, exitLine: true));
        Assert.Equal(Sessions, summary.Leaks.Count);
        Assert.All(summary.Leaks, leak => Assert.Contains("nothing has run anywhere for 300 ms", leak.Evidence, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EndAfterAGap_AfterASignalKilledTheProgram_BusySessionsAreWaiting(bool stampedKill)
    {
        // Ctrl-C, a CI job's timeout (SIGINT, SIGTERM), SIGKILL: the program died while it ran, and the tracer's end
        // came 300 ms later. That gap is the tracer stopping: every busy session called leaked was what it did before.
        const long Ms = 1_000_000;
        string busy = BusyWithoutEnd();
        long last = (Sessions + 2000) * Ms;
        string kill = stampedKill ? $"# exit signal=2 ts={last + 1}\n" : "# exit signal=2\n";
        TraceSummary summary = Replay(Encoding.UTF8.GetBytes(busy + kill + $"END: ts={last + (300 * Ms)}\n"));
        Assert.Equal(new ProgramExit { Signal = 2 }, summary.ProgramExit);
        Assert.Equal(Sessions, summary.Blocked);
        Assert.Empty(summary.Leaks);
        Assert.Equal(Sessions, summary.WaitingGroups.Sum(g => g.Count));
    }

    [Fact]
    public void AHungProgramKilledAfterwards_IsQuiescedUpToTheKill()
    {
        // The program stops doing anything, and 6 s later it is killed (the user gave up on it): the silence before the
        // kill is the program's own, the 300 ms between the kill and the tracer's end are not.
        const long Ms = 1_000_000;
        string busy = BusyWithoutEnd();
        long last = (Sessions + 2000) * Ms;
        TraceSummary summary = Replay(Encoding.UTF8.GetBytes(busy + $"# exit signal=15 ts={last + (6000 * Ms)}\nEND: ts={last + (6300 * Ms)}\n"));
        Assert.Equal(Sessions, summary.Leaks.Count);
        Assert.All(summary.Leaks, leak => Assert.Contains("nothing has run anywhere for 6 s", leak.Evidence, StringComparison.Ordinal));
    }

    [Fact]
    public void EndAfterAGap_TraceWithoutTheExitConvention_CountsAsSilenceAsBefore()
    {
        // No '# gotrace' header: a trace from a script that never prints the program's exit; the end is all it has.
        TraceSummary summary = Replay(Busy(header: false, exitLine: false));
        Assert.Equal(Sessions, summary.Leaks.Count);
    }

    [Fact]
    public void EndAfterAGap_TwoThreadReplay_DecidesTheSame()
    {
        foreach (bool exitLine in new[] { false, true })
        {
            byte[] trace = Busy(header: true, exitLine);
            foreach (ReplayParallelism mode in new[] { ReplayParallelism.ApplyThread, ReplayParallelism.ParallelParse })
            {
                var engine = new TraceEngine(new TraceEngineOptions { Parallelism = mode, ReadBufferSize = 64 * 1024 });
                engine.Replay(new MemoryStream(trace));
                Assert.Equal(exitLine ? Sessions : 0, engine.GetSummary().Leaks.Count);
            }
        }
    }

    [Fact]
    public void EventsStampedAfterTheTracersStop_AreCountedNotApplied()
    {
        // As gotrace trace -p writes it: the stop, then what the detaching probes still printed (parks whose readies
        // no longer arrive, creates), then the end. Applied, the last parks would look like nothing releases any more.
        const long Ms = 1_000_000;
        string busy = BusyWithoutEnd();
        long stop = (Sessions + 2000) * Ms;
        var tail = new StringBuilder();
        tail.Append($"# tracer stopped ts={stop + 1}\n");
        for (int i = 0; i < 5; i++)
        {
            tail.Append($"ready: ts={stop + ((i + 1) * 30 * Ms)} goroutine=c0000{i:x2}000\n");
            tail.Append($"gopark: ts={stop + ((i + 1) * 30 * Ms) + 1} goroutine=c0000{i:x2}000 reason=3\n");
            tail.Append($"newproc1: ts={stop + ((i + 1) * 30 * Ms) + 2} goroutine=f0000{i:x2}000 fn=main.(*server).session creator=main.(*server).serve\n");
            tail.Append($"gopark: ts={stop + ((i + 1) * 30 * Ms) + 3} goroutine=f0000{i:x2}000 reason=3\n");
        }

        tail.Append($"END: ts={stop + (300 * Ms)}\n");
        TraceSummary summary = Replay(Encoding.UTF8.GetBytes(busy + tail));
        Assert.Equal(stop + 1, summary.Timing.StoppedAtTs);
        Assert.Equal(21, summary.Timing.AfterStop);
        Assert.Equal(Sessions, summary.Live);
        Assert.Empty(summary.Leaks);
        var text = new StringWriter { NewLine = "\n" };
        ReportWriter.WriteText(summary, text);
        Assert.Contains(", 21 after the tracer stopped (not applied: its probes were detaching)", text.ToString(), StringComparison.Ordinal);

        // Without the stop line the same tail is applied.
        Assert.Equal(Sessions + 5, Replay(Encoding.UTF8.GetBytes(busy + tail.ToString().Replace($"# tracer stopped ts={stop + 1}\n", string.Empty, StringComparison.Ordinal))).Live);
    }

    [Fact]
    public void ReleasesMissingFromTheLastMomentsOfARunningProgram_AreNoSilence()
    {
        // Under load the last ~100 ms of a running program's trace can lack its releases (per-CPU buffers that reach
        // the tracer's output late, or not before it stops; a program held off the CPU) while creates and parks still
        // arrive. Sessions parked then looked like "nothing was released anywhere since it parked" (an attach under
        // load called one a leak after 92 ms); the program ran on.
        TraceSummary running = Replay(BusyThenNoReleases(exitLine: false));
        Assert.Equal(Sessions + 20, running.Blocked);
        Assert.Empty(running.Leaks);
        Assert.Equal(Sessions + 20, running.WaitingGroups.Sum(g => g.Count));

        // The same tail followed by the program's exit is the program's own end: what parked after the last release,
        // four release gaps or more before the exit, leaked (19 new sessions and the last one released); the older
        // ones had been waiting well within their group's releases.
        TraceSummary exited = Replay(BusyThenNoReleases(exitLine: true));
        Assert.Equal(20, exited.Leaks.Count);
        Assert.Equal(19, exited.Leaks.Count(leak => leak.G >> 20 == 0xf0000UL));
        Assert.All(exited.Leaks, leak => Assert.Equal("nothingReleasedSincePark", leak.Rule));
    }

    [Fact]
    public void ARunningProgramSilentForLongerThanTheReorderWindow_IsQuiesced()
    {
        // A hung program (dtrace's tick-1s lines go on, the program prints nothing for 6 s): silence longer than the
        // tracer's lateness is the program's, not the tracer's, and rule 1 still finds it.
        const long Ms = 1_000_000;
        string busy = BusyWithoutEnd();
        long last = (Sessions + 2000) * Ms;
        var tail = new StringBuilder();
        for (int s = 1; s <= 6; s++)
        {
            tail.Append($"tick-1s: ts={last + (s * 1000 * Ms)}\n");
        }

        tail.Append($"END: ts={last + (6300 * Ms)}\n");
        TraceSummary summary = Replay(Encoding.UTF8.GetBytes(busy + tail));
        Assert.Equal(Sessions, summary.Leaks.Count);
        Assert.All(summary.Leaks, leak => Assert.Contains("nothing has run anywhere for 6 s", leak.Evidence, StringComparison.Ordinal));
    }

    private static TraceSummary Replay(byte[] trace)
    {
        var engine = new TraceEngine();
        engine.Feed(trace);
        engine.Complete();
        return engine.GetSummary();
    }

    /// <summary><see cref="Busy"/> with the header, no exit line and no end record: a running program's trace so far.</summary>
    private static string BusyWithoutEnd()
    {
        string busy = Encoding.UTF8.GetString(Busy(header: true, exitLine: false));
        return busy[..busy.LastIndexOf("END:", StringComparison.Ordinal)];
    }

    /// <summary>
    /// <see cref="Busy"/> without its end, then 100 ms in which 20 new sessions are created and park every 5 ms and
    /// nothing is released; then, optionally, the program's exit; then the tracer's stop and its end.
    /// </summary>
    private static byte[] BusyThenNoReleases(bool exitLine)
    {
        const long Ms = 1_000_000;
        var text = new StringBuilder(BusyWithoutEnd());
        long ts = (Sessions + 2000) * Ms;
        for (int i = 0; i < 20; i++)
        {
            ts += 5 * Ms;
            text.Append($"newproc1: ts={ts} goroutine=f0000{i:x2}000 fn=main.(*server).session creator=main.(*server).serve\n");
            text.Append($"gopark: ts={ts + 1} goroutine=f0000{i:x2}000 reason=3\n");
        }

        if (exitLine)
        {
            text.Append("# exit code=0\n");
        }

        text.Append($"# tracer stopped ts={ts + 10}\n");
        text.Append($"END: ts={ts + (300 * Ms)}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Sessions parked in select (Go 1.22 trace numbering: 3), one released and parked again every millisecond for
    /// 2 s: each waits 20 ms. Then, optionally, the program's exit, and the end record 300 ms after the last event.
    /// </summary>
    private static byte[] Busy(bool header, bool exitLine)
    {
        const long Ms = 1_000_000;
        var text = new StringBuilder();
        if (header)
        {
            text.Append("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n");
        }

        long ts = Ms;
        for (int i = 0; i < Sessions; i++, ts += Ms)
        {
            text.Append($"newproc1: ts={ts} goroutine=c0000{i:x2}000 fn=main.(*server).session creator=main.(*server).serve\n");
            text.Append($"gopark: ts={ts + 1} goroutine=c0000{i:x2}000 reason=3\n");
        }

        for (int step = 0; step < 2000; step++, ts += Ms)
        {
            int i = step % Sessions;
            text.Append($"ready: ts={ts} goroutine=c0000{i:x2}000\n");
            text.Append($"gopark: ts={ts + 1} goroutine=c0000{i:x2}000 reason=3\n");
        }

        if (exitLine)
        {
            text.Append("# exit code=0\n");
        }

        text.Append($"END: ts={ts - Ms + 1 + (300 * Ms)}\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
