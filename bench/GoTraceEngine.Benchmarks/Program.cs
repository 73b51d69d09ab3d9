using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

public static class Program
{
    /// <summary>
    /// With arguments: BenchmarkDotNet (<c>--filter *</c>, <c>--job short</c>…). With <c>loop [quiet|full] [seconds]</c>:
    /// replays the generated trace from memory in a loop and prints events/s, for profiling with dotnet-trace or perf.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "gate")
        {
            return Gate.Run(args[1..]);
        }

        if (args.Length > 1 && args[0] == "twocore")
        {
            return TwoCoreSplit.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "interleave")
        {
            return Interleaved.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "loop")
        {
            Loop(args.Length > 1 && args[1] == "full" ? TraceFormat.Full : TraceFormat.Quiet, args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10);
            return 0;
        }

        if (args.Length > 0 && args[0] == "parseloop")
        {
            var bench = new PipelineBench { Format = args.Length > 1 && args[1] == "full" ? TraceFormat.Full : TraceFormat.Quiet };
            bench.Setup();
            long events = BenchInputs.EventCount(bench.Format);
            byte[] data = BenchInputs.Trace(bench.Format);
            for (int i = 0; i < 3; i++)
            {
                Time("parse only", events, () => bench.ParseOnly());
                Time("framing only", events, () =>
                {
                    ReadOnlySpan<byte> d = data;
                    long lines = 0;
                    while (true)
                    {
                        int end = d.IndexOf((byte)'\n');
                        if (end < 0)
                        {
                            break;
                        }

                        lines += d[end - 1];
                        d = d[(end + 1)..];
                    }

                    return lines;
                });
            }

            return 0;
        }

        if (args.Length > 0 && args[0] == "lines")
        {
            string[] samples =
            [
                "newproc1: goroutine=c000010000 parent=824633745408 count=1 blocked_count=0",
                "gopark: goroutine=c0000101a0 blocked=1 reason=7 blocked_count=12",
                "ready: goroutine=c0000101a0",
                "godestroy: goroutine=c000010340 count=1000 blocked_count=412",
                "gopark: ts=1000031559 goroutine=c000010820 reason=7 wait=14 obj=c000100060",
                "nothing to see here, program output",
            ];
            var names = new GoTraceEngine.Parsing.NameTable();
            foreach (string sample in samples)
            {
                byte[] line = System.Text.Encoding.ASCII.GetBytes(sample + "\n");
                const int N = 20_000_000;
                long sum = 0;
                for (int round = 0; round < 3; round++)
                {
                    var clock = Stopwatch.StartNew();
                    for (int k = 0; k < N; k++)
                    {
                        GoTraceEngine.Parsing.TraceLineParser.Parse(line.AsSpan(0, line.Length - 1), k, names, out var e, out _);
                        sum += (long)e.GPointer;
                    }

                    if (round == 2)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalNanoseconds / N,6:0.0} ns  {sample}"));
                    }
                }

                GC.KeepAlive(sum);
            }

            return 0;
        }

        if (args.Length > 0 && args[0] == "stages")
        {
            foreach (TraceFormat format in new[] { TraceFormat.Quiet, TraceFormat.Full })
            {
                var bench = new PipelineBench { Format = format };
                bench.Setup();
                long events = BenchInputs.EventCount(format);
                Time($"{format} parse only", events, () => bench.ParseOnly());
                Time($"{format} apply only", events, () => bench.ApplyOnly());
                Time($"{format} end to end", events, () => bench.EndToEndMemory());
                Time($"{format} naive", events, () => bench.Naive());
            }

            return 0;
        }

        // Each benchmark class carries its own [Config] (BenchConfig, MatrixConfig): the switcher adds only the defaults.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance);
        return 0;
    }

    private static void Time(string name, long events, Func<long> run)
    {
        var rates = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            rates.Add(events / clock.Elapsed.TotalSeconds);
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} median {rates[3] / 1e6,6:0.00} M events/s"));
    }

    private static void Loop(TraceFormat format, double seconds)
    {
        byte[] data = BenchInputs.Trace(format);
        long events = BenchInputs.EventCount(format);
        var total = Stopwatch.StartNew();
        var rates = new List<double>();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var clock = Stopwatch.StartNew();
            using var engine = new TraceEngine();
            engine.Feed(data);
            engine.Complete();
            rates.Add(events / clock.Elapsed.TotalSeconds);
        }

        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{format}: {events} events, {data.Length} bytes, {rates.Count} runs, median {rates[rates.Count / 2] / 1e6:0.00} M events/s, best {rates[^1] / 1e6:0.00} M"));
    }
}
