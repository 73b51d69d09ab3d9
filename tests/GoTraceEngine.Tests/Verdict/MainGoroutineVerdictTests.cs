using System.Text;
using GoTraceEngine.Reporting;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// A server's main goroutine blocks for the program's whole life (on a signal, a <c>select {}</c>, its servers'
/// WaitGroup): in a trace that stops while the program runs it is blocked from its first moments and nothing ever
/// releases it, which every other rule would call a leak. Only the program's end releases it.
/// </summary>
public sealed class MainGoroutineVerdictTests
{
    private const string Header = "# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.27.3 reasons=trace\n";
    private const long Ms = 1_000_000;

    [Theory]
    [InlineData("")]
    [InlineData("# exit signal=15 ts=20000000001\n")]
    public void ProgramStillRunningOrKilled_ItsBlockedMainIsWaiting_WhileAnotherNeverReleasedGoroutineLeaks(string ending)
    {
        TraceSummary summary = Replays.Whole(Header + Server() + ending + $"END: ts={20_300 * Ms}\n");

        LeakGroup leaked = Assert.Single(summary.LeakGroups);
        Assert.Equal(("main.audit", 1), (leaked.StartFunction, leaked.Count));
        LeakGroup main = Assert.Single(summary.WaitingGroups, g => g.StartFunction == "runtime.main");
        Assert.Equal(("sync", "mainGoroutine"), (main.Reason, main.Rule));
        Assert.Contains("the program's main goroutine, and the program had not ended by itself", main.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(summary.Likely, l => l.StartFunction == "runtime.main");
    }

    [Theory]
    [InlineData(true, "# exit code=0\n")]
    [InlineData(true, "# exit code=2\n")]
    [InlineData(false, "")]
    public void ProgramEndedByItself_OrNoExitConvention_ItsBlockedMainIsJudgedLikeAnyGoroutine(bool header, string ending)
    {
        // Ended with main blocked: another goroutine called os.Exit, or the runtime found every goroutine asleep. A
        // trace without the header's convention does not say whether the program ended. The end comes 1 ms after the
        // last event, too soon for the program to count as quiesced (rule 1): main's own history decides.
        TraceSummary summary = Replays.Whole((header ? Header : string.Empty) + Server() + ending + $"END: ts={20_000 * Ms}\n");

        Assert.Equal(["main.audit", "runtime.main"], summary.LeakGroups.Select(g => g.StartFunction).Order(StringComparer.Ordinal));
        Assert.Equal(("sync", "groupNeverReleased"), summary.LeakGroups.Where(g => g.StartFunction == "runtime.main").Select(g => (g.Reason, g.Rule)).Single());
        Assert.DoesNotContain(summary.WaitingGroups, g => g.StartFunction == "runtime.main");
    }

    [Fact]
    public void Attached_MainFollowedFromItsPark_IsWaiting()
    {
        // An attach sees main only when it parks, named by the attach script's park line; it is older than the trace.
        string attached = Server().Replace(
            $"newproc1: ts={1 * Ms} goroutine=c000000100 goid=1 fn=runtime.main creator=runtime.newproc\n", string.Empty, StringComparison.Ordinal)
            .Replace(
                $"gopark: ts={2 * Ms} goroutine=c000000100 reason=5 wait=25 obj=5915c0\n",
                $"gopark: ts={2 * Ms} goroutine=c000000100 reason=5 wait=25 obj=5915c0 goid=1 fn=runtime.main creator=runtime.newproc\n",
                StringComparison.Ordinal);
        TraceSummary summary = Replays.Whole(Header + attached + $"END: ts={20_000 * Ms}\n");

        Assert.Equal(1, summary.Anomalies.Adopted);
        Assert.Equal("mainGoroutine", Assert.Single(summary.WaitingGroups, g => g.StartFunction == "runtime.main").Rule);
        Assert.DoesNotContain(summary.Leaks, l => l.GoId == 1);
    }

    /// <summary>
    /// main starts, parks on a WaitGroup at 2 ms; an audit goroutine parks at 3 ms on a channel nobody sends on;
    /// handlers are created, parked, readied and ended every millisecond for 20 s.
    /// </summary>
    private static string Server()
    {
        var text = new StringBuilder();
        text.Append($"newproc1: ts={1 * Ms} goroutine=c000000100 goid=1 fn=runtime.main creator=runtime.newproc\n");
        text.Append($"gopark: ts={2 * Ms} goroutine=c000000100 reason=5 wait=25 obj=5915c0\n");
        text.Append($"newproc1: ts={3 * Ms} goroutine=c000000200 goid=18 fn=main.audit creator=main.main\n");
        text.Append($"gopark: ts={(3 * Ms) + 1} goroutine=c000000200 reason=7 wait=14 obj=c000080000\n");
        for (long ts = 5 * Ms; ts < 20_000 * Ms; ts += Ms)
        {
            string g = $"d000{ts / Ms % 50:x3}000";
            text.Append($"newproc1: ts={ts} goroutine={g} goid={100 + (ts / Ms)} fn=main.handle creator=main.serve\n");
            text.Append($"gopark: ts={ts + 1} goroutine={g} reason=6 wait=15 obj=c0000ff000\n");
            text.Append($"ready: ts={ts + (Ms / 2)} goroutine={g}\n");
            text.Append($"godestroy: ts={ts + (Ms / 2) + 1} goroutine={g}\n");
        }

        return text.ToString();
    }
}
