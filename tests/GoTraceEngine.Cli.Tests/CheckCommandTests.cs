using System.Text.Json;
using System.Xml.Linq;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Check_LeakyAndFixedSeedFixtures_ExitOneAndZero()
    {
        (int exit, string output, _) = await RunAsync("check", Fixture("leaky.dtrace.txt"));
        Assert.Equal(1, exit);
        Assert.StartsWith("gotrace check: FAIL: 3 leaked goroutines, budget 0", output, StringComparison.Ordinal);
        Assert.Contains("offending", output, StringComparison.Ordinal);
        Assert.Contains("chan send", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("check", Fixture("fixed.dtrace.txt"));
        Assert.Equal(0, exit);
        Assert.StartsWith("gotrace check: PASS: 0 leaked goroutines", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MaxLeaks_IsTheBudget()
    {
        Assert.Equal(1, (await RunAsync("check", Fixture("leaky.dtrace.txt"), "--max-leaks", "2")).Exit);
        Assert.Equal(0, (await RunAsync("check", Fixture("leaky.dtrace.txt"), "--max-leaks", "3")).Exit);
    }

    [Fact]
    public async Task Check_IgnoreTheLeakingStartFunctions_TurnsOneIntoZero()
    {
        string trace = Fixture("pool-full.trace.txt");
        Assert.Equal(1, (await RunAsync("check", trace, "--leak-after", "1s")).Exit);
        (int exit, string output, _) = await RunAsync("check", trace, "--leak-after", "1s", "--ignore", "main.Gather.func1", "--ignore", "main.work?r");
        Assert.Equal(0, exit);
        Assert.Contains("(--ignore main.Gather.func1)", output, StringComparison.Ordinal);

        // Ignore rules match the creator too: the "created by" frame goleak users ask for.
        Assert.Equal(0, (await RunAsync("check", trace, "--leak-after", "1s", "--ignore", "main.Gather", "--ignore", "*.startPool")).Exit);
        Assert.Equal(1, (await RunAsync("check", trace, "--leak-after", "1s", "--ignore", "main.Gather")).Exit);
        Assert.Equal(0, (await RunAsync("check", trace, "--ignore-reason", "chan send", "--ignore-reason", "7", "--ignore-reason", "select")).Exit);
    }

    [Fact]
    public async Task Check_WrittenBaseline_AcceptsTheLeaksUntilANewOneAppears()
    {
        string trace = Fixture("pool-full.trace.txt");
        string baseline = Path.Combine(_directory, "baseline.json");
        Assert.Equal(0, (await RunAsync("check", trace, "--write-baseline", baseline)).Exit);
        Assert.Equal(1, (await RunAsync("check", trace)).Exit);
        (int exit, string output, _) = await RunAsync("check", trace, "--baseline", baseline);
        Assert.Equal(0, exit);
        Assert.Contains("6 accepted by the baseline", output, StringComparison.Ordinal);

        // One more goroutine stuck in Gather: the group now holds 4 where the baseline accepts 3.
        string worse = Path.Combine(_directory, "worse.txt");
        List<string> lines = [.. File.ReadAllLines(trace)];
        lines.Insert(lines.Count - 1, "newproc1: ts=5950000000 goroutine=c000009000 parent=824633749504 goid=99 fn=main.Gather.func1 creator=main.Gather");
        lines.Insert(lines.Count - 1, "gopark: ts=5950001000 goroutine=c000009000 reason=6 wait=15 obj=c000020060");
        await File.WriteAllLinesAsync(worse, lines, TestContext.Current.CancellationToken);
        (exit, output, _) = await RunAsync("check", worse, "--baseline", baseline);
        Assert.Equal(1, exit);
        Assert.Contains("1 of 4", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BaselineOfAnEarlierVersion_WithTypeArgumentsInItsNames_StillAcceptsItsGroups()
    {
        // Earlier versions kept a generic function's type arguments (main.Gather[go.shape.int].func1); reports now name it
        // as Go does (main.Gather[...].func1), and a baseline written then must not fail every CI run after an upgrade.
        string trace = Path.Combine(_directory, "generic.txt");
        await File.WriteAllLinesAsync(
            trace,
            [
                "newproc1: ts=1000 goroutine=c000 fn=main.Gather[go.shape.int].func1 creator=main.Gather[go.shape.int]",
                "gopark: ts=2000 goroutine=c000 reason=6 obj=c1",
                "END: ts=3000000000",
            ],
            TestContext.Current.CancellationToken);
        string baseline = Path.Combine(_directory, "old-baseline.json");
        await File.WriteAllTextAsync(
            baseline,
            "{\"version\": 1, \"groups\": [{\"startFunction\": \"main.Gather[go.shape.int].func1\", \"creator\": \"main.Gather[go.shape.int]\", \"reason\": \"chan send\", \"count\": 1}]}",
            TestContext.Current.CancellationToken);

        (int exit, string output, _) = await RunAsync("check", trace, "--baseline", baseline);
        Assert.True(exit == 0, output);
        Assert.Contains("accepted       1  main.Gather[...].func1 created by main.Gather[...]: chan send (6)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_JUnit_IsValidXmlWithOneFailingCasePerOffendingGroup()
    {
        string junit = Path.Combine(_directory, "leaks.xml");
        (int exit, _, _) = await RunAsync("check", Fixture("pool-full.trace.txt"), "--junit", junit, "--ignore", "main.watch.func1");
        Assert.Equal(1, exit);
        XDocument xml = XDocument.Load(junit);
        XElement[] cases = [.. xml.Descendants("testcase")];
        Assert.Equal(3, cases.Length);
        Assert.Equal(2, cases.Count(c => c.Element("failure") is not null));
        Assert.Single(cases, c => c.Element("skipped") is not null);
        Assert.Equal("2", xml.Root!.Attribute("failures")!.Value);
        Assert.Contains(cases, c => c.Attribute("name")!.Value == "main.Gather.func1 created by main.Gather: chan send");
    }

    [Fact]
    public async Task Check_FormatJson_GivesTheVerdictAndGroups()
    {
        (int exit, string output, _) = await RunAsync("check", Fixture("pool-full.trace.txt"), "--format", "json", "--leak-after", "4s");
        Assert.Equal(1, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("offending").GetInt64());
        JsonElement group = Assert.Single(json.RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal("offending", group.GetProperty("verdict").GetString());
        Assert.Equal("main.Gather.func1", group.GetProperty("startFunction").GetString());
    }

    [Theory]
    [InlineData("check", "/nonexistent/trace.txt")]
    [InlineData("check", "FIXTURE", "--baseline", "/nonexistent/baseline.json")]
    [InlineData("check", "FIXTURE", "--max-leaks", "-1")]
    public async Task Check_Errors_ExitTwoWithOneLine(params string[] args)
    {
        string[] resolved = [.. args.Select(a => a == "FIXTURE" ? Fixture("leaky.dtrace.txt") : a)];
        (int exit, _, string error) = await RunAsync(resolved);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
