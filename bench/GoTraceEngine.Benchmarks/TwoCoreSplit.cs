using System.Diagnostics;
using System.Globalization;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// <c>twocore FILE [rounds]</c>: replays a trace file on one thread and on two (<see cref="ReplayParallelism"/>),
/// interleaved, and prints each run's wall time and where its CPU went: the reading thread (framing and parsing, plus
/// the file reads) and the rest of the process (the apply thread, and the runtime's own threads). On a shared machine
/// the wall times move with the other load; the CPU split does not, and bounds what two idle cores would give:
/// one thread's CPU over the busier side's.
/// </summary>
internal static class TwoCoreSplit
{
    public static int Run(string[] args)
    {
        string path = args[0];
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var single = new List<double>();
        var two = new List<double>();
        var singleCpu = new List<double>();
        var parseCpu = new List<double>();
        var applyCpu = new List<double>();
        for (int round = -1; round < rounds; round++)
        {
            foreach (ReplayParallelism mode in (ReadOnlySpan<ReplayParallelism>)[ReplayParallelism.SingleThread, ReplayParallelism.ApplyThread])
            {
                GC.Collect();
                double threadBefore = ThreadCpuMs();
                TimeSpan processBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var stopwatch = Stopwatch.StartNew();
                using var engine = new TraceEngine(new TraceEngineOptions { Parallelism = mode });
                engine.ReplayFile(path);
                double wall = stopwatch.Elapsed.TotalMilliseconds;
                double thread = ThreadCpuMs() - threadBefore;
                double process = (Process.GetCurrentProcess().TotalProcessorTime - processBefore).TotalMilliseconds;
                Console.WriteLine(FormattableString.Invariant(
                    $"{(round < 0 ? "warm-up " : string.Empty)}{mode,-12} wall {wall,6:F0} ms  reading thread {thread,5:F0} ms CPU  other threads {process - thread,5:F0} ms CPU  ({engine.EventsRead} events, {engine.Live.Count} live)"));
                if (round < 0)
                {
                    continue;
                }

                if (mode == ReplayParallelism.SingleThread)
                {
                    single.Add(wall);
                    singleCpu.Add(thread);
                }
                else
                {
                    two.Add(wall);
                    parseCpu.Add(thread);
                    applyCpu.Add(process - thread);
                }
            }
        }

        double m1 = Median(single);
        double m2 = Median(two);
        double bound = Median(singleCpu) / Math.Max(Median(parseCpu), Median(applyCpu));
        Console.WriteLine(FormattableString.Invariant(
            $"median wall: one thread {m1:F0} ms, two threads {m2:F0} ms: {m1 / m2:F2}×; CPU: one thread {Median(singleCpu):F0} ms, two threads: parse side {Median(parseCpu):F0} ms, apply side {Median(applyCpu):F0} ms: bound on two idle cores {bound:F2}×"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }

    /// <summary>The calling thread's user + system CPU, from <c>/proc/thread-self/stat</c> (clock ticks of 10 ms).</summary>
    private static double ThreadCpuMs()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }
}
