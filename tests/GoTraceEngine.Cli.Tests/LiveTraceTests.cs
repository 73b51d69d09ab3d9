using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// Real Go programs (fixtures/go, built with Debian's Go 1.19, 1.22 and 1.27) traced for real with bpftrace by
/// <c>gotrace trace</c>, and compared with their own <c>runtime.Stack</c> dumps. Where the tracer cannot attach (not
/// Linux, not root, no bpftrace, no uprobes) or a Go release is not installed, each test says why in its skip
/// reason; nothing is faked. The tests of this class run one after another (they set GOTRACE_STACKDUMP).
/// </summary>
public sealed partial class LiveTraceTests
{
    private static readonly Lazy<string?> s_unavailable = new(FindWhyUnavailable);

    private static readonly string s_work = Directory.CreateTempSubdirectory("gotrace-live-").FullName;

    public static TheoryData<string, string, string> Programs()
    {
        // Names as Go's own tracebacks show them: the same on every release.
        (string Program, string Groups)[] programs =
        [
            ("gather-leaky", "main.Gather.func1|main.Gather|main.go:16|chan send|3"),
            ("gather-fixed", ""),
            ("worker-pool", "main.worker|main.startPool|main.go:19|chan receive|4"),
            ("select-timeout", "main.fetch.func1|main.fetch|main.go:14|chan send|5"),
            ("mutex-deadlock", "main.lockAB|main.main|main.go:48|sync|1;main.lockBA|main.main|main.go:49|sync|1;main.waiter|main.main|main.go:50|sync|1"),
            ("churn", "main.leak|main.main|main.go:44|chan receive|3"),
            ("generic-pool", "main.(*Pool[...]).worker|main.(*Pool[...]).Start|main.go:25|chan receive|4;main.Gather[...].func1|main.Gather[...]|main.go:34|chan send|3"),
        ];
        var data = new TheoryData<string, string, string>();
        foreach (string version in GoFixtures.Versions)
        {
            foreach ((string program, string groups) in programs)
            {
                data.Add(version, program, groups);
            }
        }

        return data;
    }

    public static TheoryData<string> Versions() => [.. GoFixtures.Versions];

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Trace_GoProgram_LeakGroupsNameWhatItsOwnDumpShows(string version, string program, string expected)
    {
        SkipUnlessTracingWorks();
        string binary = GoFixtures.Build(version, program);
        string saved = Path.Combine(s_work, $"{program}-{version}.trace.txt");
        string dumpPath = Path.Combine(s_work, $"{program}-{version}.dump");
        Environment.SetEnvironmentVariable("GOTRACE_STACKDUMP", dumpPath);
        (int exit, string output, string error) = await RunAsync("trace", "--format", "json", "--save", saved, "--", binary);
        Environment.SetEnvironmentVariable("GOTRACE_STACKDUMP", null);
        Assert.True(exit == 0, error);

        // Standard output is one JSON document; the program's own output went to stderr.
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Matches(@"(sum|total|nGoro|fetch|finished|deadlocked)\b", error);
        Assert.Equal(0, report["anomalies"]!["total"]!.GetValue<long>());
        Assert.Equal(0, report["program"]!["exitCode"]!.GetValue<int>());
        Assert.Empty(report["incomplete"]!.AsArray());

        // Each leak, as the report names it (the engine reads the trace's wrapper and site lines), is the goroutine of the
        // same id in the program's own dump, with the dump's function, creator and go statement.
        SavedTrace trace = SavedTrace.Read(saved);
        Dictionary<long, DumpedGoroutine> dumped = GoStackDump.Parse(File.ReadAllText(dumpPath)).Goroutines.Where(g => g.GoId != 1).ToDictionary(g => g.GoId);
        var groups = new List<string>();
        foreach (JsonNode? leak in report["leaks"]!.AsArray())
        {
            long goid = leak!["goid"]!.GetValue<long>();
            string startFunction = leak["startFunction"]!.GetValue<string>();
            string creator = leak["creator"]!.GetValue<string>();
            string location = leak["createdAt"]!.GetValue<string>();
            Assert.True(dumped.TryGetValue(goid, out DumpedGoroutine? g), $"goroutine {goid} ({startFunction}) is a leak but not in the dump");
            Assert.Equal((g.Bottom, g.Creator, g.CreatorLocation), (startFunction, creator, location));
            Assert.Equal(trace.GoNames(goid), (startFunction, creator, location));
            groups.Add($"{startFunction}|{creator}|{Path.GetFileName(location)}|{leak["reason"]}");
        }

        Assert.Equal(dumped.Keys.Order(), report["leaks"]!.AsArray().Select(l => l!["goid"]!.GetValue<long>()).Order());
        string[] counted = [.. groups.GroupBy(g => g, StringComparer.Ordinal).Select(g => $"{g.Key}|{g.Count()}").Order(StringComparer.Ordinal)];
        Assert.Equal(expected.Split(';', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), counted);

        // And the report's groups are those: one per go statement as the dump buckets them (a generic one's instantiations joined).
        Assert.Equal(counted.Length, report["leakGroups"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("gather-leaky", 1)]
    [InlineData("gather-fixed", 0)]
    public async Task Trace_Check_GatesOnTheProgramsLeaks(string program, int expectedExit)
    {
        SkipUnlessTracingWorks();
        string binary = GoFixtures.Build(NewestInstalled(), program);
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
        string binary = GoFixtures.Build(NewestInstalled(), "worker-pool");
        string saved = Path.Combine(s_work, "worker-pool.trace.txt");
        (int exit, string traced, string error) = await RunAsync("trace", "--format", "json", "--save", saved, "--", binary);
        Assert.True(exit == 0, error);
        Assert.StartsWith("# gotrace wrapper ", File.ReadLines(saved).First(), StringComparison.Ordinal);
        (exit, string replayed, _) = await RunAsync("replay", saved, "--format", "json");
        Assert.Equal(0, exit);
        JsonObject live = JsonNode.Parse(traced)!.AsObject();
        live.Remove("program");
        JsonObject again = JsonNode.Parse(replayed)!.AsObject();
        again.Remove("program");
        Assert.Equal(live.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public async Task Trace_OutputFile_TakesTheReport_AndTheProgramsStdoutStaysOnStdout()
    {
        SkipUnlessTracingWorks();
        string binary = GoFixtures.Build(NewestInstalled(), "worker-pool");
        string reportPath = Path.Combine(s_work, "worker-pool.report.json");
        (int exit, string output, string error) = await RunAsync("trace", "--format", "json", "-o", reportPath, "--", binary);
        Assert.True(exit == 0, error);
        Assert.Equal("sum = 90\n", output);
        Assert.Equal(4, JsonNode.Parse(File.ReadAllText(reportPath))!["leaks"]!.AsArray().Count);
    }

    [Fact]
    public async Task Trace_Watch_StatusLinesOnStderrWhileItRuns_AndStdoutIsExactlyTheReport()
    {
        SkipUnlessTracingWorks();

        // Four goroutines leak, then three seconds of churn: bpftrace writes its trace in blocks, and the churn fills them.
        string binary = BuildInline("watched", """
            package main

            import (
            	"fmt"
            	"sync"
            	"time"
            )

            func main() {
            	never := make(chan int)
            	for i := 0; i < 4; i++ {
            		go func() { <-never }()
            	}
            	var wg sync.WaitGroup
            	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
            		for j := 0; j < 10; j++ {
            			wg.Add(1)
            			go func() { wg.Done() }()
            		}
            		wg.Wait()
            	}
            	fmt.Println("done")
            	time.Sleep(time.Second)
            }
            """);
        (int exit, string output, string error) = await RunAsync("trace", "--watch", "--format", "json", "--", binary);
        Assert.True(exit == 0, error);

        // Standard output is one JSON document, the report; the dashboard and the program's stdout are on stderr.
        JsonNode report = JsonNode.Parse(output)!;
        Assert.Equal(4, report["leaks"]!.AsArray().Count);
        Assert.Equal(0, (int)report["program"]!["exitCode"]!);
        string[] lines = error.Split('\n');
        int done = Array.IndexOf(lines, "done");
        Assert.True(done > 0, error);
        string[] whileRunning = [.. lines[..done].Where(l => l.StartsWith("gotrace watch: ", StringComparison.Ordinal))];
        Assert.True(whileRunning.Length >= 2, error);
        Assert.Contains(whileRunning, l => !l.Contains(" 0 events ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("trace", "--watch", "--", "./prog")]
    [InlineData("trace", "--watch", "-p", "1", "--duration", "5s", "--format", "json")]
    public void Trace_Watch_ParsesWithAProgramOrAPid(params string[] args)
    {
        RootCommand root = GotraceCommand.CreateRoot(new CliContext(() => new MemoryStream(), TextWriter.Null, TextWriter.Null, StderrIsTerminal: false));
        Assert.Null(UsageErrors.Describe(root, root.Parse(args)));
    }

    [Fact]
    public async Task Trace_ProgramExitCode_IsGotracesAndInTheReport_AndFailsTheGate()
    {
        SkipUnlessTracingWorks();
        string binary = BuildInline("exit3", "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(3) }\n");
        (int exit, string output, string error) = await RunAsync("trace", "--format", "json", "--", binary, "ignored-argument");
        Assert.Equal(3, exit);
        Assert.Equal(3, JsonNode.Parse(output)!["program"]!["exitCode"]!.GetValue<int>());
        Assert.Contains("gotrace: the traced program exited with code 3\n", error, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("trace", "--check", "--", binary);
        Assert.Equal(1, exit);
        Assert.StartsWith("gotrace check: FAIL: the program exited with code 3; 0 leaked goroutines", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("trace", "--check", "--format", "json", "--", binary);
        Assert.Equal(1, exit);
        JsonNode verdict = JsonNode.Parse(output)!;
        Assert.False(verdict["passed"]!.GetValue<bool>());
        Assert.Equal("the program exited with code 3", verdict["programFailure"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trace_ProgramKilledByASignal_ExitsWith128PlusItAndSaysSo()
    {
        SkipUnlessTracingWorks();
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.Skip("the kernel has no BTF: the script cannot read the exit status of a killed program");
        }

        string binary = BuildInline("sigkill", "package main\n\nimport (\n\t\"os\"\n\t\"syscall\"\n)\n\nfunc main() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }\n");
        (int exit, string output, string error) = await RunAsync("trace", "--", binary);
        Assert.Equal(137, exit);
        Assert.Matches(@"\n  program +\S+/sigkill \(killed by SIGKILL\): did not exit normally\n", output);
        Assert.Contains("gotrace: the traced program killed by SIGKILL\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_BusyProgramKilledByASignal_ItsIdleSessionsAreNotLeaks()
    {
        // 2 000 sessions, each receiving a message in turn, until the program kills itself mid-flight (as Ctrl-C or a
        // CI job's timeout would). bpftrace's end comes after the program's death: that gap is no silence of the program.
        SkipUnlessTracingWorks();
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.Skip("the kernel has no BTF: the script cannot read the exit status of a killed program");
        }

        string binary = BuildInline("killed-busy", """
            package main

            import (
            	"os"
            	"syscall"
            	"time"
            )

            func session(in chan int) {
            	for range in {
            	}
            }

            func main() {
            	chans := make([]chan int, 2000)
            	for i := range chans {
            		chans[i] = make(chan int)
            		go session(chans[i])
            	}
            	deadline := time.Now().Add(1500 * time.Millisecond)
            	for i := 0; time.Now().Before(deadline); i++ {
            		chans[i%len(chans)] <- i
            	}
            	syscall.Kill(os.Getpid(), syscall.SIGKILL)
            }

            """);
        string saved = Path.Combine(s_work, "killed-busy.trace.txt");
        (int exit, string output, _) = await RunAsync("trace", "--format", "json", "--save", saved, "--", binary);
        Assert.Equal(137, exit);
        string kill = Assert.Single(File.ReadAllLines(saved), l => l.StartsWith("# exit signal=", StringComparison.Ordinal));
        Assert.Matches(@"^# exit signal=9 ts=\d+$", kill);
        JsonNode report = JsonNode.Parse(output)!;
        string head = output[..Math.Min(output.Length, 2000)];

        // How many sessions were parked when the kill came depends on the scheduler (those just handed a message may
        // still wait to run: 1 400-2 000 of the 2 000 on this machine kind), so the expectation comes from the trace
        // itself: a session is blocked if its last event, by time stamp, is a park.
        (int sessions, int parked) = SavedTrace.ParkedAtTheEnd(saved, "main.main.gowrap1");
        Assert.Equal(2000, sessions);
        Assert.True(parked > 0, "no session was parked when the program was killed");
        Assert.True(report["live"]!.GetValue<long>() > sessions, head);
        // Every parked session is in the report, none as a leak. (Likely is allowed: on a machine loaded enough that
        // the last round of sends took longer than 250 ms and than any earlier wait, the oldest would be.)
        Assert.DoesNotContain(report["leaks"]!.AsArray(), l => l!["startFunction"]!.GetValue<string>() == "main.session");
        int reported = report["waitingGroups"]!.AsArray().Concat(report["likelyGroups"]!.AsArray())
            .Where(g => g!["startFunction"]!.GetValue<string>() == "main.session")
            .Sum(g => g!["count"]!.GetValue<int>());
        Assert.Equal(parked, reported);
    }

    [Fact]
    public async Task Trace_ServerThatNeverExits_DurationStopsItAndGatesOnItsLeaks()
    {
        // A server runs until stopped: --duration traces it that long, then stops it. Its leaks (a fetch nobody receives
        // from, every few thousand requests) fail the gate; its idle sessions do not, nor does the SIGTERM that ended it.
        SkipUnlessTracingWorks();
        string binary = BuildInline("forever", """
            package main

            import "time"

            func session(in chan int) {
            	for range in {
            	}
            }

            func fetch(out chan int) { out <- 1 }

            func main() {
            	chans := make([]chan int, 500)
            	for i := range chans {
            		chans[i] = make(chan int)
            		go session(chans[i])
            	}
            	for i := 0; ; i++ {
            		chans[i%len(chans)] <- i
            		if i%2000 == 0 {
            			go fetch(make(chan int))
            		}
            		time.Sleep(100 * time.Microsecond)
            	}
            }

            """);
        (int exit, string output, string error) = await RunAsync("trace", "--duration", "3s", "--format", "json", "--", binary);
        Assert.Equal(0, exit);
        Assert.Contains("gotrace: stopped the traced program after 3s (--duration)\n", error, StringComparison.Ordinal);
        JsonNode report = JsonNode.Parse(output)!;
        Assert.True(report["program"]!["stillRunning"]!.GetValue<bool>());
        Assert.True(report["completed"]!.GetValue<bool>());
        string[] leaked = [.. report["leaks"]!.AsArray().Select(l => l!["startFunction"]!.GetValue<string>())];
        Assert.Contains("main.fetch", leaked);
        Assert.DoesNotContain("main.session", leaked);

        (exit, output, _) = await RunAsync("trace", "--duration", "3s", "--check", "--format", "json", "--", binary);
        Assert.Equal(1, exit);
        JsonNode verdict = JsonNode.Parse(output)!;
        Assert.False(verdict["passed"]!.GetValue<bool>());
        Assert.Null(verdict["programFailure"]);
        Assert.Empty(Process.GetProcessesByName("forever"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Trace_AttachToARunningServer_ReportsTheLeaksOfTheWindowAndDetaches(string version)
    {
        SkipUnlessTracingWorks();
        string saved = Path.Combine(s_work, $"leaky-server-{version}.trace.txt");
        await using (RunningServer server = await RunningServer.StartAsync(version, "leaky-server", "serving, pid"))
        {
            string pid = server.Pid;
            (int exit, string output, string error) = await RunAsync("trace", "-p", pid, "--duration", "4s", "--format", "json", "--save", saved);
            Assert.True(exit == 0, error);
            Assert.Contains($"gotrace: attaching to process {pid} ", error, StringComparison.Ordinal);
            Assert.Contains("goroutines blocked before the attach are read from its memory, the others join the trace at their first park", error, StringComparison.Ordinal);
            bool readsMemory = version != "1.19";
            Assert.Contains(
                readsMemory ? " goroutines were blocked when the probes attached (read from its memory in " : "held blocked before the attach: the runtime's waitReason numbering of go1.19 is not known",
                error,
                StringComparison.Ordinal);
            Assert.False(server.HasExited, "the server must keep running after gotrace detaches");
            string dump = await server.StopAsync();

            // The program still ran when the trace stopped: the end of the trace is no silence in it, and the report
            // says so. In a window where no goroutine the trace saw created is ever released, the verdict has no
            // release history to measure against: the lookups are suspects (leak or likely), never only waiting.
            JsonNode report = JsonNode.Parse(output)!;
            Assert.True(report["program"]!["stillRunning"]!.GetValue<bool>(), report["program"]!.ToJsonString());
            SavedTrace trace = SavedTrace.Read(saved);
            Dictionary<long, DumpedGoroutine> dumped = GoStackDump.Parse(dump).Goroutines.ToDictionary(g => g.GoId);
            JsonNode[] leaks = [.. report["leaks"]!.AsArray().Concat(report["likely"]!.AsArray()).Select(l => l!)];
            // The window is 4 s from bpftrace's start, of which attaching takes about a second (more on a loaded machine).
            Assert.True(leaks.Length - (readsMemory ? 2 : 0) >= 3, $"{leaks.Length} suspects in a 4 s window of one lookup per 300 ms");

            // Every suspect is a lookup the server leaked, or one of its two prefetchers, blocked since before the
            // attach and read from its memory as the probes attached (not on Go 1.19, whose waitReason numbering is
            // not known: there the trace never sees them), as its own dump names them.
            long[] prefetchers = [.. dumped.Values.Where(g => g.Bottom == "main.prefetch").Select(g => g.GoId).Order()];
            Assert.Equal(2, prefetchers.Length);
            long[] reported = [.. leaks.Select(l => l["goid"]!.GetValue<long>()).Where(prefetchers.Contains).Order()];
            Assert.Equal(readsMemory ? prefetchers : [], reported);

            // A GC saw them waiting before the server served (g.waitsince): they have been blocked for longer than the
            // trace lasted, and the report says so.
            // Both wait on the one cache channel: obj= is its lock, as a park of the trace would say (g.waiting.c.lock).
            string?[] objects = [.. leaks.Where(l => prefetchers.Contains(l["goid"]!.GetValue<long>())).Select(l => l["obj"]?.GetValue<string>()).Distinct()];
            Assert.True(!readsMemory || (objects is [{ } obj] && obj != "0x0"), string.Join(", ", objects));
            long traced = report["timing"]!["durationNs"]!.GetValue<long>();
            Assert.All(leaks.Where(l => prefetchers.Contains(l["goid"]!.GetValue<long>())), l => Assert.True(
                l["blockedNs"]!.GetValue<long>() > traced, $"a prefetcher blocked {l["blockedNs"]} ns in a trace of {traced} ns"));
            JsonNode[] lookups = [.. leaks.Where(l => !prefetchers.Contains(l["goid"]!.GetValue<long>()))];
            foreach (JsonNode leak in leaks)
            {
                long goid = leak["goid"]!.GetValue<long>();
                (string startFunction, string creator, string location) = trace.GoNames(goid);
                Assert.Equal(
                    prefetchers.Contains(goid) ? ("main.prefetch", "main.main", "chan receive") : ("main.lookup", "main.(*server).handle", "chan send"),
                    (startFunction, creator, leak["reason"]!.GetValue<string>()));
                Assert.Equal((dumped[goid].Bottom, dumped[goid].Creator, dumped[goid].CreatorLocation), (startFunction, creator, location));
            }

            Assert.Matches(@"/leaky-server/main\.go:28$", trace.GoNames(lookups[0]["goid"]!.GetValue<long>()).Location);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Trace_AttachToAnIdleServer_FindsTheWorkersBlockedBeforeIt_AndCallsNoneLeaked(string version)
    {
        SkipUnlessTracingWorks();
        await using (RunningServer server = await RunningServer.StartAsync(version, "idle-pool", "idle, pid"))
        {
            string pid = server.Pid;

            // Nothing happens in the window: bpftrace's output holds only its first line, written when it stops, so
            // the read must not wait for the trace to begin.
            (int exit, string output, string error) = await RunAsync("trace", "-p", pid, "--duration", "2s", "--format", "json");
            Assert.True(exit == 0, error);
            bool readsMemory = version != "1.19";
            Assert.Contains(
                readsMemory ? " goroutines were blocked when the probes attached (read from its memory in " : "held blocked before the attach: the runtime's waitReason numbering of go1.19 is not known",
                error,
                StringComparison.Ordinal);
            // The three workers, as the server's own dump names them, found blocked; an idle program and a hung one
            // release nothing alike, so none is called leaked while it runs.
            GoStackDump dump = GoStackDump.Parse(await server.StopAsync());
            Assert.Equal(3, dump.Goroutines.Count(g => g.Bottom == "main.worker" && g.Creator == "main.main"));
            JsonNode report = JsonNode.Parse(output)!;
            Assert.Empty(report["leaks"]!.AsArray());
            JsonNode[] workers = [.. report["likelyGroups"]!.AsArray().Concat(report["waitingGroups"]!.AsArray())
                .Select(g => g!).Where(g => g["startFunction"]!.GetValue<string>() == "main.worker")];
            Assert.Equal(
                readsMemory ? [(3L, "main.main", "chan receive")] : [],
                workers.Select(g => (g["count"]!.GetValue<long>(), g["creator"]!.GetValue<string>(), g["reason"]!.GetValue<string>())));
        }
    }

    /// <summary>
    /// A fixture server that runs until it is stopped, for <c>gotrace trace -p</c>: started with its stack dump going to
    /// a file, and past its first line; stopped with SIGTERM (it writes its dump then), or killed if a test failed first.
    /// </summary>
    private sealed class RunningServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dump;
        private readonly Task<string> _rest;

        private RunningServer(Process process, string dump, Task<string> rest) => (_process, _dump, _rest) = (process, dump, rest);

        public string Pid => _process.Id.ToString(CultureInfo.InvariantCulture);

        public bool HasExited => _process.HasExited;

        public static async Task<RunningServer> StartAsync(string version, string program, string firstLine)
        {
            string dump = Path.Combine(s_work, $"{program}-{version}.dump");
            var start = new ProcessStartInfo(GoFixtures.Build(version, program)) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["GOTRACE_STACKDUMP"] = dump;
            Process process = Process.Start(start)!;
            Assert.StartsWith(firstLine, await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            return new RunningServer(process, dump, process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        /// <summary>Stops it with SIGTERM and returns the stack dump it writes as it stops.</summary>
        public async Task<string> StopAsync()
        {
            Assert.True(Posix.Signal(_process.Id, 15));
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await _rest;
            return await File.ReadAllTextAsync(_dump, TestContext.Current.CancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }
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

    [Theory]
    [InlineData(new[] { "trace" }, "gotrace: give the PROGRAM to run (after --), or -p PID to attach to a running process (see 'gotrace trace --help')\n")]
    [InlineData(new[] { "trace", "-p", "1", "--", "./prog" }, "gotrace: give either -p PID or a PROGRAM to run, not both (see 'gotrace trace --help')\n")]
    [InlineData(new[] { "trace", "--duration", "0s", "--", "./prog" }, "gotrace: '0s' is not a duration (expected e.g. 500ms, 30s, 1m). (see 'gotrace trace --help')\n")]
    [InlineData(new[] { "trace", "-p", "1", "--duration", "soon" }, "gotrace: 'soon' is not a duration (expected e.g. 500ms, 30s, 1m). (see 'gotrace trace --help')\n")]
    [InlineData(new[] { "trace", "-o", "/nonexistent/dir/report.json", "--", "./prog" }, "gotrace: --output '/nonexistent/dir/report.json': no such directory (see 'gotrace trace --help')\n")]
    public async Task Trace_BadOptions_OneLineExitTwo(string[] args, string expected)
    {
        (int exit, string output, string error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal(expected, error);
    }

    private static string NewestInstalled()
    {
        string? version = GoFixtures.Versions.LastOrDefault(v => File.Exists(GoFixtures.Toolchain(v)));
        if (version is null)
        {
            Assert.Skip("no Go toolchain is installed (apt-get install golang-1.19-go)");
        }

        return version;
    }

    private static string BuildInline(string name, string source)
    {
        string directory = Path.Combine(s_work, name + "-src");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "go.mod"), $"module example.com/{name}\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(directory, "main.go"), source);
        return GoFixtures.BuildFrom(NewestInstalled(), directory, name);
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

        string? version = GoFixtures.Versions.FirstOrDefault(v => File.Exists(GoFixtures.Toolchain(v)));
        if (version is null)
        {
            return "no Go toolchain is installed (apt-get install golang-1.19-go)";
        }

        try
        {
            // bpftrace attaches every probe before BEGIN runs: a uprobe on a Go binary that cannot attach fails here.
            string binary = GoFixtures.Build(version, "gather-fixed");
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

    /// <summary>A trace saved by <c>gotrace trace --save</c>: its create lines (in an attach, also the parks that name goroutines created before it) and the binary's wrapper and site lines; and which goroutines it leaves parked (<see cref="ParkedAtTheEnd"/>).</summary>
    private sealed partial class SavedTrace
    {
        private readonly Dictionary<string, string> _wrappers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Function, string Location)> _sites = new(StringComparer.Ordinal);
        private readonly Dictionary<long, (string Fn, string Gopc)> _creates = [];

        public static SavedTrace Read(string path)
        {
            var trace = new SavedTrace();
            foreach (string line in File.ReadLines(path))
            {
                if (Wrapper().Match(line) is { Success: true } w)
                {
                    trace._wrappers.Add(w.Groups[1].Value, w.Groups[2].Value);
                }
                else if (Site().Match(line) is { Success: true } s)
                {
                    trace._sites.Add(s.Groups[1].Value, (s.Groups[2].Value, s.Groups[3].Value));
                }
                else if (Create().Match(line) is { Success: true } c)
                {
                    trace._creates[long.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture)] = (GoSymbols.PrintName(c.Groups[3].Value), c.Groups[2].Value);
                }
                else if (NamingPark().Match(line) is { Success: true } p)
                {
                    // A goroutine created before an attach is named by its first park.
                    trace._creates.TryAdd(long.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture), (GoSymbols.PrintName(p.Groups[3].Value), p.Groups[2].Value));
                }
            }

            return trace;
        }

        /// <summary>
        /// From a saved bpftrace trace: how many goroutines started by <paramref name="function"/> were created, and how many
        /// of them were parked at the end (their last park or ready, by time stamp, is a park). No goroutine may exit.
        /// </summary>
        public static (int Created, int Parked) ParkedAtTheEnd(string trace, string function)
        {
            var last = new Dictionary<string, (long Ts, bool Parked)>();
            foreach (string line in File.ReadLines(trace))
            {
                Match m = TracedEvent().Match(line);
                if (!m.Success)
                {
                    continue;
                }

                string g = m.Groups[3].Value;
                long ts = long.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
                switch (m.Groups[1].Value)
                {
                    case "newproc1" when line.Contains($" fn={function} ", StringComparison.Ordinal):
                        Assert.True(last.TryAdd(g, (ts, false)), $"g {g} created twice");
                        break;
                    case "godestroy" when last.ContainsKey(g):
                        Assert.Fail($"g {g} started by {function} exited");
                        break;
                    case var kind when kind != "newproc1" && last.TryGetValue(g, out (long Ts, bool Parked) seen) && ts >= seen.Ts:
                        last[g] = (ts, kind == "gopark");
                        break;
                }
            }

            return (last.Count, last.Values.Count(e => e.Parked));
        }

        /// <summary>A goroutine's start function, creator and go statement location, named as the trace's symbol lines say.</summary>
        public (string StartFunction, string Creator, string Location) GoNames(long goid)
        {
            Assert.True(_creates.TryGetValue(goid, out (string Fn, string Gopc) create), $"no create line (or naming park) for goroutine {goid}");
            Assert.True(_sites.TryGetValue(create.Gopc, out (string Function, string Location) site), $"no site line for gopc={create.Gopc}");
            return (_wrappers.GetValueOrDefault(create.Fn, create.Fn), site.Function, site.Location);
        }

        [GeneratedRegex(@"^# gotrace wrapper (\S+) (\S+)$")]
        private static partial Regex Wrapper();

        [GeneratedRegex(@"^# gotrace site (0x[0-9a-f]+) (\S+) (.+:\d+)$")]
        private static partial Regex Site();

        // fn= as bpftrace's usym prints the symbol: a generic function's struct shape holds blanks, so it runs to creator=.
        [GeneratedRegex(@"^newproc1: .*\bgoid=(\d+) gopc=(0x[0-9a-f]+) fn=(.+?) creator=")]
        private static partial Regex Create();

        [GeneratedRegex(@"^gopark: .*\bgoid=(\d+) gopc=(0x[0-9a-f]+) fn=(.+?) creator=")]
        private static partial Regex NamingPark();

        [GeneratedRegex(@"^(newproc1|gopark|ready|godestroy): ts=(\d+) goroutine=(?:0x)?([0-9a-f]+)\b")]
        private static partial Regex TracedEvent();
    }
}
