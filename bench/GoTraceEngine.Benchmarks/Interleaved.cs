using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// <c>interleave CLASS LIVE [ROUNDS] [FORMAT]</c>: runs every [Benchmark] method of a matrix-input class round-robin
/// (one call each per round, the order rotated each round) and prints, per method, the median time and the median of
/// its per-round ratios to the baseline. On a shared machine whose load changes by the second, a ratio taken within
/// one round is steadier than BenchmarkDotNet's case-after-case runs; BenchmarkDotNet's tables are the reference.
/// </summary>
internal static class Interleaved
{
    public static int Run(string[] args)
    {
        Type type = typeof(Program).Assembly.GetTypes().Single(t => t.Name == args[0]);
        int live = int.Parse(args[1], CultureInfo.InvariantCulture);
        int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 9;
        TraceFormat format = args.Length > 3 ? Enum.Parse<TraceFormat>(args[3], ignoreCase: true) : TraceFormat.Quiet;
        object bench = Activator.CreateInstance(type)!;
        type.GetProperty("Live")!.SetValue(bench, live);
        type.GetProperty("Format")?.SetValue(bench, format);
        type.GetMethods().Single(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null).Invoke(bench, null);

        var methods = type.GetMethods()
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<BenchmarkAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => (Name: p.Attribute!.Description ?? p.Method.Name, Baseline: p.Attribute.Baseline, Run: p.Method.CreateDelegate<Func<int>>(bench)))
            .ToArray();
        int baseline = Math.Max(0, Array.FindIndex(methods, m => m.Baseline));
        long events = MatrixInputs.Measure(format, live).Events;

        // Warm-up: tier-1 code for every loop (three calls each).
        for (int w = 0; w < 3; w++)
        {
            foreach (var m in methods)
            {
                m.Run();
            }
        }

        var times = new double[methods.Length][];
        for (int i = 0; i < methods.Length; i++)
        {
            times[i] = new double[rounds];
        }

        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < methods.Length; k++)
            {
                int i = (k + r) % methods.Length;
                var clock = Stopwatch.StartNew();
                GC.KeepAlive(methods[i].Run());
                times[i][r] = clock.Elapsed.TotalMilliseconds;
            }
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{type.Name}, {format}, {live} live, {events} events, {rounds} interleaved rounds (median; ratio = median of per-round baseline/row)"));
        Console.WriteLine();
        Console.WriteLine("| Row | Median | ns/event | Events/s | Speed-up vs baseline (same round) | min–max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (int i = 0; i < methods.Length; i++)
        {
            double median = Median(times[i]);
            double ratio = Median([.. Enumerable.Range(0, rounds).Select(r => times[baseline][r] / times[i][r])]);
            Console.WriteLine(string.Create(c,
                $"| {methods[i].Name} | {median:0.0} ms | {median * 1e6 / events:0.0} | {events / median / 1e3:0.00} M | {(i == baseline ? "baseline" : $"{ratio:0.00}x")} | {times[i].Min():0}–{times[i].Max():0} ms |"));
        }

        return 0;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
