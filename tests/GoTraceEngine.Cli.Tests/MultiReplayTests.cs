using System.Text.Json;
using GoTraceEngine.Generation;
using GoTraceEngine.Reporting;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary><c>gotrace replay A B …</c> and <c>gotrace replay DIR</c>: every report in order, then the combined summary.</summary>
public sealed class MultiReplayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-multi-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Replay_SeveralFiles_PrintsEachReportInArgumentOrderThenTheCombinedSummary()
    {
        string pool = Fixture("pool-full.trace.txt");
        string leaky = Fixture("leaky.dtrace.txt");
        (int exit, string output, string error) = await RunAsync("replay", pool, leaky);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string expected = $"==> {pool} <==\n{Golden("pool-full")}\n==> {leaky} <==\n{Golden("leaky")}\n";
        Assert.StartsWith(expected, output, StringComparison.Ordinal);
        string[] combined = output[expected.Length..].Split('\n');
        Assert.Equal("gotrace: 2 traces: 9 leaked goroutines in 4 groups across 2 traces", combined[0]);
        Assert.Equal("      3  (start function unknown)  chan send (6)  in 1 trace", combined[1]);
        Assert.Equal("      3  main.Gather.func1  created by main.Gather  chan send (6)  oldest 4.1s  in 1 trace", combined[2]);
        Assert.Contains(combined, line => line.StartsWith("  total            live 10  blocked 9  unreadable 0  incomplete 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Combine_TwoGroupsOfOneTraceWithTheSameNames_CountTheTraceOnce()
    {
        // Two go statements of main.worker in main.startPool (lines 19 and 23): two groups of one trace, one combined line.
        string trace = string.Join('\n',
            "# gotrace site 0x10 main.startPool /src/main.go:19",
            "# gotrace site 0x20 main.startPool /src/main.go:23",
            "newproc1: ts=1000 goroutine=c100 gopc=0x10 fn=main.worker creator=main.startPool",
            "gopark: ts=1001 goroutine=c100 reason=7 obj=e1",
            "newproc1: ts=2000 goroutine=c200 gopc=0x20 fn=main.worker creator=main.startPool",
            "gopark: ts=2001 goroutine=c200 reason=7 obj=e2",
            "newproc1: ts=3000 goroutine=c300 gopc=0x20 fn=main.worker creator=main.startPool",
            "gopark: ts=3001 goroutine=c300 reason=7 obj=e3",
            "END: ts=5000000000",
            string.Empty);
        var engine = new TraceEngine();
        engine.Feed(System.Text.Encoding.UTF8.GetBytes(trace));
        engine.Complete();
        TraceSummary summary = engine.GetSummary();
        Assert.Equal(2, summary.LeakGroups.Count);

        CombinedGroup combined = Assert.Single(MultiReplay.Combine([summary, summary]));
        Assert.Equal(("main.worker", 6L, 2), (combined.StartFunction, combined.Count, combined.Traces));
    }

    [Fact]
    public async Task Replay_Directory_ReplaysItsFilesInNameOrder_BigFirstFileStillPrintedFirst()
    {
        // The first file by name is the biggest: the small ones finish first, yet the reports come in name order.
        using (FileStream big = File.Create(Path.Combine(_directory, "a-big.txt")))
        {
            new TraceGenerator(new TraceGeneratorOptions { Seed = 7, Format = TraceFormat.Quiet, Events = 400_000, Leaks = 4 }).Write(big);
        }

        File.Copy(Fixture("leaky.dtrace.txt"), Path.Combine(_directory, "b-leaky.txt"));
        File.Copy(Fixture("fixed.dtrace.txt"), Path.Combine(_directory, "c-fixed.txt"));
        File.WriteAllText(Path.Combine(_directory, ".hidden"), "not a trace\n");

        (int exit, string output, _) = await RunAsync("replay", _directory);

        Assert.Equal(0, exit);
        int a = output.IndexOf("==> " + Path.Combine(_directory, "a-big.txt") + " <==", StringComparison.Ordinal);
        int b = output.IndexOf("==> " + Path.Combine(_directory, "b-leaky.txt") + " <==\n" + Golden("leaky"), StringComparison.Ordinal);
        int c = output.IndexOf("==> " + Path.Combine(_directory, "c-fixed.txt") + " <==\n" + Golden("fixed"), StringComparison.Ordinal);
        Assert.True(a == 0 && b > a && c > b, output);
        Assert.DoesNotContain(".hidden", output, StringComparison.Ordinal);
        Assert.Contains("gotrace: 3 traces: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_SameTraceTwice_Json_MergesItsGroups()
    {
        string pool = Fixture("pool-full.trace.txt");
        (int exit, string output, _) = await RunAsync("replay", pool, pool, "--format", "json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement traces = json.RootElement.GetProperty("traces");
        Assert.Equal(2, traces.GetArrayLength());
        Assert.Equal(pool, traces[0].GetProperty("file").GetString());
        Assert.Equal(6, traces[1].GetProperty("report").GetProperty("blocked").GetInt32());
        JsonElement combined = json.RootElement.GetProperty("combined");
        Assert.Equal(12, combined.GetProperty("leaks").GetInt64());
        JsonElement top = combined.GetProperty("leakGroups")[0];
        Assert.Equal("main.Gather.func1", top.GetProperty("startFunction").GetString());
        Assert.Equal(6, top.GetProperty("count").GetInt64());
        Assert.Equal(2, top.GetProperty("traces").GetInt32());
        Assert.Equal(4_100_000_000, top.GetProperty("oldestBlockedNs").GetInt64());
    }

    [Theory]
    [InlineData("missing", "cannot read '")]
    [InlineData("empty-dir", "the directory has no files")]
    [InlineData("stdin", "standard input ('-') cannot be replayed with other inputs")]
    [InlineData("timeline", "--timeline draws one trace")]
    public async Task Replay_SeveralInputs_UnusableOne_ExitsTwoWithOneLineAndNoReport(string what, string message)
    {
        string empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;
        string[] args = what switch
        {
            "missing" => ["replay", Fixture("leaky.dtrace.txt"), Path.Combine(_directory, "nope.txt")],
            "empty-dir" => ["replay", empty],
            "stdin" => ["replay", Fixture("leaky.dtrace.txt"), "-"],
            _ => ["replay", Fixture("leaky.dtrace.txt"), Fixture("fixed.dtrace.txt"), "--timeline", Path.Combine(_directory, "t.html")],
        };
        (int exit, string output, string error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_GroupsAcrossReports_AddsCountsKeepsTheOldestAndCountsTraces()
    {
        TraceSummary pool = ReplaySummary("pool-full.trace.txt");
        TraceSummary leaky = ReplaySummary("leaky.dtrace.txt");
        List<CombinedGroup> groups = MultiReplay.Combine([pool, leaky, pool]);
        Assert.Equal(4, groups.Count);
        Assert.Equal(new CombinedGroup("main.Gather.func1", "main.Gather", "chan send", 6, 6, 2, 4_100_000_000), groups[0]);
        Assert.Equal(new CombinedGroup(null, null, "chan send", 6, 3, 1, null), groups[2]);
    }

    private static string Golden(string name) => File.ReadAllText(Fixture(name + ".expected.txt"));

    private static TraceSummary ReplaySummary(string fixture)
    {
        var engine = new TraceEngine();
        engine.ReplayFile(Fixture(fixture));
        return engine.GetSummary();
    }
}
