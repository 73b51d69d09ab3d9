using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// A park with <c>since=</c> (what <c>gotrace trace -p</c> writes for a goroutine it finds blocked in the process's
/// memory as the probes attach, from the runtime's <c>g.waitsince</c>): the goroutine has waited since about then,
/// so its blocked time, and the wait its release ends, count from there, not from the line.
/// </summary>
public sealed class BlockedSinceTests
{
    private const string Header = "# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n";
    private const long S = 1_000_000_000;

    [Theory]
    [InlineData(true, 9 * S)]
    [InlineData(false, 2 * S)]
    public void SnapshotPark_BlockedTime_CountsFromItsSince(bool withSince, long expectedBlocked)
    {
        // Found blocked at 10 s, waiting since 3 s; the trace ends at 12 s, the program still running.
        string since = withSince ? " since=3000000000" : string.Empty;
        TraceSummary summary = Replays.Whole(Header
            + $"gopark: ts={10 * S} goroutine=c000001000 reason=6 wait=15 obj=0 goid=7 fn=main.fetch creator=main.request{since}\n"
            + Activity(10 * S, 12 * S));

        LeakSuspect fetch = Assert.Single(summary.Leaks.Concat(summary.Likely), l => l.StartFunction == "main.fetch");
        Assert.Equal(expectedBlocked, fetch.BlockedNs);
    }

    [Fact]
    public void SnapshotPark_Released_ItsWaitCountsFromItsSince()
    {
        // Two sessions found blocked at 10 s; one has waited since 2 s and is released at 11 s: a wait of 9 s, which
        // the other, blocked for 2.5 s of trace and since 9.5 s, is well within.
        TraceSummary summary = Replays.Whole(Header
            + $"gopark: ts={10 * S} goroutine=c000001000 reason=7 wait=14 obj=0 goid=7 fn=main.session creator=main.main since={2 * S}\n"
            + $"gopark: ts={10 * S} goroutine=c000002000 reason=7 wait=14 obj=0 goid=8 fn=main.session creator=main.main since={(9 * S) + (S / 2)}\n"
            + $"ready: ts={11 * S} goroutine=c000001000\n"
            + $"gopark: ts={(11 * S) + 1} goroutine=c000001000 reason=7 wait=14 obj=0\n"
            + Activity(10 * S, 12 * S));

        LeakGroup sessions = Assert.Single(summary.WaitingGroups, g => g.StartFunction == "main.session");
        Assert.Contains("releases took up to 9 s", sessions.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Since_IsReadOnlyOnAPark_AndNeverLaterThanTheLine()
    {
        // On a create it is no field (the parent stays); a since after the park's own time is not taken.
        TraceSummary summary = Replays.Whole(Header
            + $"newproc1: ts={10 * S} goroutine=c000003000 parent=0x5 goid=9 fn=main.worker creator=main.main since={S}\n"
            + $"gopark: ts={(10 * S) + 1} goroutine=c000003000 reason=7 wait=14 obj=0\n"
            + $"gopark: ts={10 * S} goroutine=c000001000 reason=6 wait=15 obj=0 goid=7 fn=main.fetch creator=main.request since={11 * S}\n"
            + Activity(10 * S, 12 * S));

        LeakSuspect fetch = Assert.Single(summary.Leaks.Concat(summary.Likely), l => l.StartFunction == "main.fetch");
        Assert.Equal(2 * S, fetch.BlockedNs);
        LeakSuspect worker = Assert.Single(summary.Leaks.Concat(summary.Likely), l => l.StartFunction == "main.worker");
        Assert.Equal((2 * S) - 1, worker.BlockedNs);
    }

    [Theory]
    [InlineData(true, "", "", LeakClass.Likely, "groupPredatesTrace")]
    [InlineData(false, "", "", LeakClass.Leak, "nothingReleasedSincePark")]
    [InlineData(true, "# exit code=0\n", "", LeakClass.Leak, "quiesced")]
    [InlineData(true, "", "profile-1s: ts=8000000000\nprofile-1s: ts=10000000000\n", LeakClass.Likely, "groupPredatesTrace")]
    [InlineData(false, "", "profile-1s: ts=8000000000\nprofile-1s: ts=10000000000\n", LeakClass.Leak, "quiesced")]
    public void FoundBlocked_InATraceThatReleasesNothing_IsNoLeakWhileTheProgramRuns(bool found, string ending, string ticks, LeakClass expected, string rule)
    {
        // An idle pool read at the attach (found: since=, here 3 s before), or seen to park in the window (an attach
        // park), and nothing released anywhere for 4 s (with ticks, the quiet is seen too). Idle and hung look alike
        // to a trace: a park it saw says the pool ran into it; a goroutine found blocked says nothing, unless the
        // program then ended by itself.
        string since = found ? $" since={3 * S}" : string.Empty;
        string trace = Header;
        for (int i = 0; i < 3; i++)
        {
            trace += $"gopark: ts={(6 * S) + i} goroutine=c00000{i}000 reason=7 wait=14 obj=0 goid={7 + i} fn=main.worker creator=main.main{since}\n";
        }

        trace += ticks + ending + $"END: ts={10 * S}\n";
        TraceSummary summary = Replays.Whole(trace);
        Assert.Equal(3, summary.Blocked);
        IReadOnlyList<LeakSuspect> suspects = expected == LeakClass.Leak ? summary.Leaks : summary.Likely;
        Assert.Equal(3, suspects.Count(l => l.StartFunction == "main.worker"));
        Assert.All(suspects, l => Assert.Equal(rule, l.Rule));
    }

    [Fact]
    public void FoundBlocked_TheReportSaysWhereItWasFound_NotWhereItParked()
    {
        // Found blocked by the read (line 2), then the program exits with it still blocked: a leak the trace never saw park.
        TraceSummary summary = Replays.Whole(Header
            + $"gopark: ts={6 * S} goroutine=c000001000 reason=7 wait=14 obj=0 goid=7 fn=main.worker creator=main.main since={3 * S}\n"
            + $"gopark: ts={6 * S} goroutine=c000002000 reason=7 wait=14 obj=0 goid=8 fn=main.worker creator=main.main\n"
            + $"# exit code=0\nEND: ts={10 * S}\n");

        Assert.Equal([true, false], summary.Leaks.OrderBy(l => l.GoId).Select(l => l.FoundBlocked));
        string text = Replays.Text(summary);
        Assert.Contains("goroutine 7 [chan receive]: main.worker", text, StringComparison.Ordinal);
        Assert.Contains("found blocked at line 2, created before the trace", text, StringComparison.Ordinal);
        Assert.Contains("parked at line 3, created before the trace", text, StringComparison.Ordinal);
        string json = ReportWriter.ToJson(summary);
        Assert.Equal(1, json.Split("\"foundBlocked\": true").Length - 1);
        Assert.DoesNotContain("\"foundBlocked\": false", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FoundBlocked_AndSeenToPark_TheTracesOwnParkStartsTheBlock(bool readFirst)
    {
        // The read and a park the trace saw, with no ready between, in either order. Read first: the read caught the
        // goroutine as a ready of it began (its probe fired before the read's stamp), and the trace's later park
        // starts the block it is in; seen first: the read finds the same park, whose start stays. Either way the
        // block starts at the trace's park (11 s) and is judged as one seen to park.
        string read = $"gopark: ts={(readFirst ? 10 : 12) * S} goroutine=c000001000 reason=7 wait=14 obj=0 goid=7 fn=main.worker creator=main.main since={2 * S}\n";
        string seen = $"gopark: ts={11 * S} goroutine=c000001000 reason=7 wait=14 obj=0 goid=7 fn=main.worker creator=main.main\n";
        TraceSummary summary = Replays.Whole(Header + (readFirst ? read + seen : seen + read) + $"profile-1s: ts={16 * S}\nEND: ts={16 * S}\n");

        LeakSuspect worker = Assert.Single(summary.Leaks.Concat(summary.Likely), l => l.StartFunction == "main.worker");
        Assert.Equal((5 * S, "nothingReleasedSincePark"), (worker.BlockedNs, worker.Rule));
    }

    /// <summary>Handlers created, parked for 1 ms and released every 10 ms from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static string Activity(long from, long to)
    {
        var text = new System.Text.StringBuilder();
        int i = 0;
        for (long ts = from + 1000; ts < to; ts += 10_000_000, i++)
        {
            text.Append($"newproc1: ts={ts} goroutine=d000{i % 16:x3}000 goid={1000 + i} fn=main.handle creator=main.serve\n");
            text.Append($"gopark: ts={ts + 1} goroutine=d000{i % 16:x3}000 reason=7 wait=14 obj=c0000ff000\n");
            text.Append($"ready: ts={ts + 1_000_000} goroutine=d000{i % 16:x3}000\n");
            text.Append($"godestroy: ts={ts + 1_000_001} goroutine=d000{i % 16:x3}000\n");
        }

        text.Append($"END: ts={to}\n");
        return text.ToString();
    }
}
