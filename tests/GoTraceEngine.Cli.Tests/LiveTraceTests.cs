using System.Diagnostics;
using System.Text.Json.Nodes;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// Real Go programs (fixtures/go, built with Debian's Go 1.19) traced for real with bpftrace by <c>gotrace trace</c>.
/// Where the tracer cannot attach (not Linux, not root, no bpftrace, no Go 1.19, no uprobes), each test says why in
/// its skip reason; nothing is faked.
/// </summary>
public sealed class LiveTraceTests
{
    private const string Go = "/usr/lib/go-1.19/bin/go";

    private static readonly Lazy<string?> s_unavailable = new(FindWhyUnavailable);

    private static readonly string s_build = Directory.CreateTempSubdirectory("gotrace-live-").FullName;

    [Theory]
    [InlineData("gather-leaky", "main.Gather.func1|main.Gather|chan send|3")]
    [InlineData("gather-fixed", "")]
    [InlineData("worker-pool", "main.startPool.func1|main.startPool|chan receive|4")]
    [InlineData("select-timeout", "main.fetch.func1|main.fetch|chan send|5")]
    [InlineData("mutex-deadlock", "main.main.func1|main.main|sync|1;main.main.func2|main.main|sync|1;main.main.func3|main.main|sync|1")]
    [InlineData("churn", "main.main.func3|main.main|chan receive|3")]
    public async Task Trace_GoProgram_FindsExactlyItsLeakGroups(string program, string expected)
    {
        SkipUnlessTracingWorks();
        string binary = Build(program);
        (int exit, string output, string error) = await RunAsync("trace", "--format", "json", "--", binary);
        Assert.True(exit == 0, error);
        JsonNode report = JsonNode.Parse(output)!;
        string[] groups = [.. report["leakGroups"]!.AsArray()
            .Select(g => $"{g!["startFunction"]}|{g["creator"]}|{g["reason"]}|{g["count"]}")
            .Order(StringComparer.Ordinal)];
        Assert.Equal(expected.Split(';', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), groups);
        Assert.Equal(0, report["anomalies"]!["total"]!.GetValue<long>());
        Assert.Equal(0, report["program"]!["exitCode"]!.GetValue<int>());
        Assert.Empty(report["incomplete"]!.AsArray());
    }

    [Theory]
    [InlineData("gather-leaky", 1)]
    [InlineData("gather-fixed", 0)]
    public async Task Trace_Check_GatesOnTheProgramsLeaks(string program, int expectedExit)
    {
        SkipUnlessTracingWorks();
        string binary = Build(program);
        (int exit, string output, string error) = await RunAsync("trace", "--check", "--", binary);
        Assert.True(exit == expectedExit, output + error);
        Assert.StartsWith(expectedExit == 0 ? "gotrace check: PASS" : "gotrace check: FAIL: 3 leaked goroutines", output, StringComparison.Ordinal);
        (exit, _, _) = await RunAsync("trace", "--check", "--ignore", "main.Gather*", "--", binary);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Trace_Save_ThenReplay_GivesTheIdenticalReport()
    {
        SkipUnlessTracingWorks();
        string binary = Build("worker-pool");
        string saved = Path.Combine(s_build, "worker-pool.trace.txt");
        (int exit, string traced, string error) = await RunAsync("trace", "--format", "json", "--save", saved, "--", binary);
        Assert.True(exit == 0, error);
        (exit, string replayed, _) = await RunAsync("replay", saved, "--format", "json");
        Assert.Equal(0, exit);
        JsonObject live = JsonNode.Parse(traced)!.AsObject();
        live.Remove("program");
        JsonObject again = JsonNode.Parse(replayed)!.AsObject();
        again.Remove("program");
        Assert.Equal(live.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public async Task Trace_ProgramExitCode_IsInTheReport()
    {
        SkipUnlessTracingWorks();
        string source = Path.Combine(s_build, "exit3-src");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "go.mod"), "module example.com/exit3\n\ngo 1.19\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(source, "main.go"), "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(3) }\n", TestContext.Current.CancellationToken);
        string binary = BuildFrom(source, "exit3");
        (int exit, string output, _) = await RunAsync("trace", "--format", "json", "--", binary, "ignored-argument");
        Assert.Equal(0, exit);
        Assert.Equal(3, JsonNode.Parse(output)!["program"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Trace_NotAGoProgram_ExitsTwoWithOneLine()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs Linux and root to reach the Go-binary check");
        }

        (int exit, _, string error) = await RunAsync("trace", "--", "/bin/sh", "-c", "true");
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gotrace: cannot trace: ", error, StringComparison.Ordinal);
    }

    private static void SkipUnlessTracingWorks()
    {
        if (s_unavailable.Value is { } why)
        {
            Assert.Skip("live tracing unavailable: " + why);
        }
    }

    private static string? FindWhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root";
        }

        if (!File.Exists(Go))
        {
            return "Go 1.19 is not installed (apt-get install golang-1.19-go)";
        }

        try
        {
            // bpftrace attaches every probe before BEGIN runs: a uprobe on a Go binary that cannot attach fails here.
            string binary = Build("gather-fixed");
            using Process? probe = Process.Start(new ProcessStartInfo("bpftrace", ["-e", $"uprobe:{binary}:runtime.main {{ }} BEGIN {{ exit(); }}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (probe is null || !probe.WaitForExit(30_000) || probe.ExitCode != 0)
            {
                return "bpftrace cannot attach uprobes on this machine";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "bpftrace is not installed (apt-get install bpftrace)";
        }

        return null;
    }

    private static string Build(string program) => BuildFrom(Path.Combine(AppContext.BaseDirectory, "fixtures", "go", program), program);

    private static string BuildFrom(string source, string name)
    {
        string binary = Path.Combine(s_build, name);
        if (File.Exists(binary))
        {
            return binary;
        }

        var start = new ProcessStartInfo(Go, ["build", "-o", binary, "."])
        {
            WorkingDirectory = source,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "gotrace-gocache");
        start.Environment["GOFLAGS"] = "-buildvcs=false";
        using Process build = Process.Start(start)!;
        string errors = build.StandardError.ReadToEnd();
        build.WaitForExit();
        Assert.True(build.ExitCode == 0, $"go build {name}: {errors}");
        return binary;
    }

}
