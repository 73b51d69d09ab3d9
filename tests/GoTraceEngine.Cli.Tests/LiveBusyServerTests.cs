using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>
/// fixtures/go/busy-server, the program whose recordings (fixtures/real) measure the verdict on traces cut mid-flight,
/// traced live in its short scenario with every Go release: the leaks it says it made (GOTRACE_TRUTH) are the
/// goroutines its own dump shows at its end and exactly what the report calls leaks. This keeps the program and the
/// way the recordings were made working on every Go release the tests build with.
/// </summary>
public sealed partial class LiveTraceTests
{
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Trace_BusyServer_ReportsExactlyTheLeaksTheProgramSaysItMade(string version)
    {
        SkipUnlessTracingWorks();
        string binary = GoFixtures.Build(version, "busy-server");
        string truthPath = Path.Combine(s_work, $"busy-server-{version}.truth.txt");
        string dumpPath = Path.Combine(s_work, $"busy-server-{version}.dump");
        Environment.SetEnvironmentVariable("GOTRACE_TRUTH", truthPath);
        Environment.SetEnvironmentVariable("GOTRACE_STACKDUMP", dumpPath);
        (int exit, string output, string error) = await RunAsync("trace", "--format", "json", "--", binary, "-scenario", "short");
        Environment.SetEnvironmentVariable("GOTRACE_TRUTH", null);
        Environment.SetEnvironmentVariable("GOTRACE_STACKDUMP", null);
        Assert.True(exit == 0, error);
        Assert.Contains("busy-server: scenario short", error, StringComparison.Ordinal);

        JsonNode report = JsonNode.Parse(output)!;
        Assert.Empty(report["warnings"]!.AsArray());
        Assert.Equal(0, report["anomalies"]!["total"]!.GetValue<long>());

        var truth = new Dictionary<long, string>();
        foreach (string line in File.ReadLines(truthPath).Where(l => !l.StartsWith('#')))
        {
            string[] fields = line.Split(' ');
            truth.Add(long.Parse(fields[0], CultureInfo.InvariantCulture), fields[2]);
        }

        Assert.True(truth.Count >= 4, $"the short scenario leaked only {truth.Count} goroutines");
        Assert.True(truth.Values.Distinct().Count() >= 3, "the short scenario leaked in fewer than three ways: " + string.Join(", ", truth.Values));
        IEnumerable<long> dumped = GoStackDump.Parse(File.ReadAllText(dumpPath)).Goroutines.Select(g => g.GoId).Where(id => id != 1);
        Assert.Equal(truth.Keys.Order(), dumped.Order());
        Assert.Equal(truth.Keys.Order(), report["leaks"]!.AsArray().Select(l => l!["goid"]!.GetValue<long>()).Order());
    }

    /// <summary>
    /// <c>gotrace trace -p PID --duration</c> on the busy server mid-flight: the tracer stops while the program runs,
    /// and the end it prints after detaching is no silence in the program. Every goroutine the report calls leaked is
    /// one the program says it leaked; its healthy sessions, pollers and queued requests, blocked when the window
    /// closed, are not leaks.
    /// </summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Trace_AttachToTheBusyServerMidFlight_CallsLeakedOnlyWhatItLeaked(string version)
    {
        SkipUnlessTracingWorks();
        string binary = GoFixtures.Build(version, "busy-server");
        string truthPath = Path.Combine(s_work, $"busy-server-attach-{version}.truth.txt");
        var start = new ProcessStartInfo(binary, ["-scenario", "short", "-seconds", "12"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GOTRACE_TRUTH"] = truthPath;
        using Process server = Process.Start(start)!;
        try
        {
            Assert.StartsWith("busy-server: scenario short", await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Task<string> rest = server.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
            string pid = server.Id.ToString(CultureInfo.InvariantCulture);
            (int exit, string output, string error) = await RunAsync("trace", "-p", pid, "--duration", "5s", "--format", "json");
            Assert.True(exit == 0, error);
            Assert.False(server.HasExited, "the busy phase outlasts the trace");
            await server.WaitForExitAsync(TestContext.Current.CancellationToken);
            await rest;

            JsonNode report = JsonNode.Parse(output)!;
            Assert.True(report["program"]!["stillRunning"]!.GetValue<bool>());
            var truth = File.ReadLines(truthPath).Where(l => !l.StartsWith('#')).Select(l => long.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToHashSet();
            long[] leaks = [.. report["leaks"]!.AsArray().Select(l => l!["goid"]!.GetValue<long>())];
            int blocked = report["blocked"]!.GetValue<int>();
            // The goroutines created before the attach (the sessions, the pollers, the pool) are followed from their first
            // park: 55-61 adopted and 60-67 blocked on an idle machine. How many park inside the window depends on how
            // long attaching took (the window counts from bpftrace's start), so the floor only says the server was busy.
            Assert.True(blocked >= 20, $"only {blocked} goroutines blocked when the window closed: the server was not busy");
            Assert.True(report["anomalies"]!["adopted"]!.GetValue<long>() >= 20, report["anomalies"]!.ToJsonString());
            long[] healthy = [.. leaks.Where(goid => !truth.Contains(goid))];
            Assert.True(healthy.Length == 0,
                $"{healthy.Length} of {leaks.Length} reported leaks are healthy goroutines ({blocked} blocked): "
                + string.Join("; ", report["leakGroups"]!.AsArray().Select(g => $"{g!["count"]} {g["startFunction"]} {g["reason"]}: {g["evidence"]}")));
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }
}
