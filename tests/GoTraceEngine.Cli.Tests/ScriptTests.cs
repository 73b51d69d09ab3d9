using System.Text;
using System.Text.RegularExpressions;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli.Tests;

/// <summary>Scripts and parser can never drift apart: every printf of every bundled script renders lines the engine parses.</summary>
public sealed partial class ScriptTests
{
    public static TheoryData<string> Scripts() => [.. ScriptCatalog.All];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void EveryPrintfFormat_RendersLinesTheEngineParses(string script)
    {
        string text = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "darwin");
        string[] formats = [.. PrintfFormat().Matches(text).Select(m => m.Groups[1].Value)];
        Assert.True(formats.Length >= 6, $"{script}: only {formats.Length} printf formats found");
        foreach (string format in formats)
        {
            string line = Render(format).TrimEnd('\n');
            var engine = new TraceEngine();
            engine.Feed(Encoding.UTF8.GetBytes(line + "\n"));
            engine.Complete();
            bool isEvent = engine.GetLineCount(LineCategory.Event) == 1;
            bool isNote = line.StartsWith("# ", StringComparison.Ordinal)
                && (engine.GetLineCount(LineCategory.TraceHeader) == 1 || engine.GetLineCount(LineCategory.TracerMessage) == 1);
            Assert.True(isEvent || isNote, $"{script}: \"{format}\" renders \"{line}\", which is neither an event nor a header or note");
            if (isEvent)
            {
                Assert.True(engine.GetSummary().Timing.HasTimestamps, $"{script}: \"{format}\" prints no ts=");
            }
        }

        Assert.DoesNotContain("@", text.Replace("@creating", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bpftrace/go1.17-1.21-amd64.bt")]
    [InlineData("bpftrace/go1.22-amd64.bt")]
    public void Bpftrace_RenderedForAnAttach_ParksNameTheirGoroutine_AndTheEngineFollowsIt(string script)
    {
        string started = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "linux");
        string park = Assert.Single(PrintfFormat().Matches(started).Select(m => m.Groups[1].Value), f => f.StartsWith("gopark:", StringComparison.Ordinal));
        Assert.DoesNotContain("fn=", park, StringComparison.Ordinal);

        string attached = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "linux", attachPid: 4242, rawPcs: true);
        park = Assert.Single(PrintfFormat().Matches(attached).Select(m => m.Groups[1].Value), f => f.StartsWith("gopark:", StringComparison.Ordinal));
        Assert.Equal("gopark: ts=%lld goroutine=%lx reason=%d wait=%d obj=%lx goid=%lld gopc=0x%lx fn=0x%lx creator=0x%lx\\n", park);
        Assert.Single(Regex.Matches(attached, "uprobe:/usr/local/bin/prog:runtime.gopark\n"));

        // The park of a goroutine never seen created, named (as the symboliser leaves it), is followed from there on.
        var engine = new TraceEngine();
        engine.Feed("gopark: ts=5 goroutine=c000012340 reason=7 wait=14 obj=c0000200c0 goid=9 gopc=0x4a861f fn=main.worker creator=main.startPool\n"u8);
        engine.Complete();
        Assert.Equal(1, engine.GetSummary().Live);
        Assert.Equal(1, engine.GetSummary().Anomalies.Adopted);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void CreateLines_CarryTheGoStatementsPc(string script)
    {
        string text = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "darwin");
        string create = Assert.Single(PrintfFormat().Matches(text).Select(m => m.Groups[1].Value), f => f.StartsWith("newproc1:", StringComparison.Ordinal));
        Assert.Matches(@" goid=%\w+ gopc=0x%l?x fn=%[sA] creator=%[sA]\\n$", create);
    }

    [Theory]
    [InlineData("bpftrace/go1.17-1.21-amd64.bt")]
    [InlineData("bpftrace/go1.22-amd64.bt")]
    public void Bpftrace_RenderedForGotraceTrace_PrintsRawPcs_FiltersToThePid_AndCanLeaveOutBtf(string script)
    {
        string text = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "linux", kernelBtf: false, attachPid: 4242, rawPcs: true);
        Assert.DoesNotContain("usym(", text, StringComparison.Ordinal);
        Assert.Contains("fn=0x%lx creator=0x%lx", text, StringComparison.Ordinal);
        Assert.DoesNotContain("== cpid", text, StringComparison.Ordinal);
        Assert.Contains("/pid == 4242/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("curtask", text, StringComparison.Ordinal);
        Assert.Contains("sys_enter_exit_group", text, StringComparison.Ordinal);

        string full = ScriptCatalog.Render(script, new GoVersion(1, 22), "1.22", ScriptCatalog.DefaultOffsets, "/usr/local/bin/prog", "linux");
        Assert.Contains("printf(\"# exit signal=%d ts=%lld\\n\", curtask->exit_code & 0x7f, nsecs);", full, StringComparison.Ordinal);
        Assert.Contains("/pid == cpid && tid == pid/", full, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bpftrace", "amd64", "1.19", "bpftrace/go1.17-1.21-amd64.bt")]
    [InlineData("bpftrace", "amd64", "1.26", "bpftrace/go1.22-amd64.bt")]
    [InlineData("dtrace", "arm64", "1.25", "dtrace/go-arm64.d")]
    [InlineData("dtrace", "amd64", "1.20", "dtrace/go-amd64.d")]
    public void ScriptName_PicksTheScriptForTheVersion(string tracer, string arch, string go, string expected)
    {
        Assert.True(GoVersion.TryParse(go, out GoVersion version));
        Assert.Equal(expected, ScriptCatalog.ScriptName(tracer, arch, version));
    }

    [Fact]
    public async Task Script_Command_PrintsAFilledScriptAndRefusesUnsupportedCombinations()
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = await GotraceCommand.RunAsync(["script", "--tracer", "dtrace", "--arch", "arm64", "--go", "1.21"], () => new MemoryStream(), stdout, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        Assert.Contains("pid$target::runtime.goexit0:entry", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("go=1.21 reasons=trace", stdout.ToString(), StringComparison.Ordinal);

        exit = await GotraceCommand.RunAsync(["script", "--tracer", "bpftrace", "--arch", "arm64"], () => new MemoryStream(), TextWriter.Null, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(2, exit);
    }

    /// <summary>Renders a printf format the way the tracer would, with plausible values.</summary>
    private static string Render(string format) => Conversion().Replace(format.Replace("\\n", "\n", StringComparison.Ordinal), m => m.Value switch
    {
        "%s" or "%A" => "main.worker",
        "%lx" or "%llx" or "%p" or "%x" => "c000012340",
        _ => "1234567",
    });

    [GeneratedRegex("printf\\(\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex PrintfFormat();

    [GeneratedRegex("%(?:lld|llu|lx|llx|ld|d|u|x|p|s|A)")]
    private static partial Regex Conversion();
}
