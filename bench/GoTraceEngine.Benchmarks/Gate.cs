using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The performance regression gate: a BenchmarkDotNet run of <see cref="MatrixBench"/> (population × format, 3
/// iterations, under 3 minutes with the build; <c>--bench pipeline</c>: the older <see cref="PipelineBench"/> stages at 10 k live, short job), each row's
/// speed-up over the naive baseline measured in the same run, compared with the committed speed-ups for this machine
/// kind. Ratios, not times: a shared, noisy machine slows both sides alike.
/// </summary>
/// <remarks>
/// Alike only on average: the two sides run one after the other, so another process that takes the core or the cache
/// for a few seconds slows one of them. (On this project's 2-core machines, one such run put the seed format at 100 k
/// live 35 % under its floor, minutes after a run that cleared it by 50 % with the same code.) Such noise only ever
/// makes the engine look slower, never faster. So a row under its floor is measured again, alone, up to twice, and
/// the gate keeps its best measurement: a real regression is under the floor every time.
/// </remarks>
internal static class Gate
{
    public static int Run(string[] args)
    {
        bool pipeline = Option(args, "--bench") == "pipeline";
        string baselinePath = Option(args, "--baseline")
            ?? Path.Combine(RepositoryRoot(), "bench", "results", pipeline ? "gate-baseline-pipeline.json" : "gate-baseline.json");
        // The tolerance: --tolerance, else the baseline file's own (set from the spread its runs showed), else 25 %.
        double? recorded = File.Exists(baselinePath) ? JsonNode.Parse(File.ReadAllText(baselinePath))?["tolerance"]?.GetValue<double>() : null;
        double tolerance = Option(args, "--tolerance") is { } given ? double.Parse(given, CultureInfo.InvariantCulture) : recorded ?? 0.25;
        bool update = args.Contains("--update");

        if (Environment.GetEnvironmentVariable("GOTRACE_BENCH_ITERATIONS") is null)
        {
            Environment.SetEnvironmentVariable("GOTRACE_BENCH_ITERATIONS", "3");
        }

        Summary summary = pipeline
            ? BenchmarkRunner.Run<PipelineBench>(new BenchConfig().AddJob(Job.ShortRun.WithId("gate")).WithOptions(ConfigOptions.JoinSummary))
            : BenchmarkRunner.Run<MatrixBench>(ManualConfig.CreateEmpty().WithOptions(ConfigOptions.JoinSummary)); // MatrixConfig: job, columns
        Dictionary<string, (double Speedup, double NsPerEvent)> measured = Speedups(summary, out Dictionary<string, (TraceFormat Format, int Live)> rows);
        if (measured.Count == 0)
        {
            Console.Error.WriteLine("gate: the benchmark run produced no results");
            return 2;
        }

        if (update)
        {
            var json = new JsonObject
            {
                ["machine"] = summary.HostEnvironmentInfo.Cpu.Value.ProcessorName,
                ["runtime"] = summary.HostEnvironmentInfo.RuntimeVersion,
                ["tolerance"] = tolerance,
                ["speedups"] = new JsonObject(measured.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Math.Round(p.Value.Speedup, 2)))),
            };
            File.WriteAllText(baselinePath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"gate: wrote {baselinePath}");
        }

        JsonObject baseline = JsonNode.Parse(File.ReadAllText(baselinePath))!.AsObject();
        JsonObject committed = baseline["speedups"]!.AsObject();
        var attempts = measured.ToDictionary(p => p.Key, p => new List<double> { p.Value.Speedup });
        for (int again = 0; again < 2 && !pipeline && !update; again++)
        {
            // Rows under their floor, measured again (naive baseline and engine), alone.
            var under = measured.Where(p => p.Value.Speedup < Floor(committed, p.Key, tolerance)).Select(p => rows[p.Key]).ToHashSet();
            if (under.Count == 0)
            {
                break;
            }

            Console.WriteLine($"gate: measuring again ({again + 2} of 3): {string.Join(", ", under.Select(r => $"{r.Format} {r.Live} live"))}");
            Summary retry = BenchmarkRunner.Run<MatrixBench>(ManualConfig.CreateEmpty().WithOptions(ConfigOptions.JoinSummary)
                .AddFilter(new SimpleFilter(b => under.Contains(((TraceFormat)b.Parameters["Format"], (int)b.Parameters["Live"])))));
            foreach ((string row, (double speedup, double ns)) in Speedups(retry, out _))
            {
                attempts[row].Add(speedup);
                if (speedup > measured[row].Speedup)
                {
                    measured[row] = (speedup, ns);
                }
            }
        }

        int failures = 0;
        Console.WriteLine();
        Console.WriteLine($"| Row | ns/event | Speed-up vs naive (this run; best of the measurements) | Committed | Floor (-{tolerance:P0}) | |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach ((string row, (double speedup, double ns)) in measured.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            double? expected = committed[row]?.GetValue<double>();
            double? floor = expected * (1 - tolerance);
            bool ok = floor is null || speedup >= floor;
            failures += ok ? 0 : 1;
            string all = attempts[row].Count > 1 ? " (" + string.Join(", ", attempts[row].Select(a => a.ToString("0.00", CultureInfo.InvariantCulture) + "x")) + ")" : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row} | {ns:0.0} | {speedup:0.00}x{all} | {(expected is null ? "-" : $"{expected:0.00}x")} | {(floor is null ? "-" : $"{floor:0.00}x")} | {(ok ? "ok" : "REGRESSION")} |"));
        }

        Console.WriteLine();
        Console.WriteLine(failures == 0 ? "gate: passed" : $"gate: {failures} row(s) slower than the committed speed-up allows");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The committed speed-up of <paramref name="row"/> less the tolerance; 0 for a row with none.</summary>
    private static double Floor(JsonObject committed, string row, double tolerance) =>
        committed[row]?.GetValue<double>() is { } expected ? expected * (1 - tolerance) : 0;

    private static Dictionary<string, (double Speedup, double NsPerEvent)> Speedups(Summary summary, out Dictionary<string, (TraceFormat Format, int Live)> rows)
    {
        var result = new Dictionary<string, (double, double)>();
        rows = [];
        foreach (IGrouping<(TraceFormat Format, int Live), BenchmarkReport> group in summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .GroupBy(r => ((TraceFormat)r.BenchmarkCase.Parameters["Format"], r.BenchmarkCase.Parameters["Live"] is int live ? live : 0)))
        {
            BenchmarkReport? naive = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
            if (naive is null)
            {
                continue;
            }

            // The matrix names rows by format and population; PipelineBench (one population) by format only, as before.
            (string name, long events) = group.Key.Live == 0
                ? (group.Key.Format.ToString(), BenchInputs.EventCount(group.Key.Format))
                : (string.Create(CultureInfo.InvariantCulture, $"{group.Key.Format} {group.Key.Live} live"), MatrixInputs.Measure(group.Key.Format, group.Key.Live).Events);
            foreach (BenchmarkReport report in group.Where(r => !r.BenchmarkCase.Descriptor.Baseline))
            {
                double median = report.ResultStatistics!.Median;
                string row = $"{name}: {report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'')}";
                result[row] = (naive.ResultStatistics!.Median / median, median / events);
                rows[row] = group.Key;
            }
        }

        return result;
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GoTraceEngine.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }
}
