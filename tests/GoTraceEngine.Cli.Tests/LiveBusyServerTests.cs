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
}
