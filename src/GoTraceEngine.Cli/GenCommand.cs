using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Cli;

/// <summary><c>gotrace gen</c>: writes a deterministic synthetic trace for tests and benchmarks.</summary>
internal static class GenCommand
{
    public static Command Create(CliContext context)
    {
        Option<string?> output = new("--output", "-o") { Description = "File to write; standard output when absent.", HelpName = "FILE" };
        Option<string> format = new("--format", "-f") { Description = "quiet (dtrace -q, the seed's script), nonquiet (dtrace's default output) or full (the full event format).", DefaultValueFactory = _ => "quiet" };
        format.AcceptOnlyFromAmong("quiet", "nonquiet", "full");
        Option<string?> events = new("--events", "-n") { Description = "Stop after this many events (k, M, G suffixes: 10M).", HelpName = "COUNT" };
        Option<string?> size = new("--size", "-s") { Description = "Stop after this many bytes (KB, MB, GB suffixes: 1GB).", HelpName = "BYTES" };
        Option<int> seed = new("--seed") { Description = "Random seed: the same options write the same bytes.", DefaultValueFactory = _ => 1 };
        Option<int> live = new("--live") { Description = "Steady population of live goroutines.", DefaultValueFactory = _ => 1000 };
        Option<int> leaks = new("--leaks") { Description = "Goroutines that block forever, spread over the trace.", DefaultValueFactory = _ => 0 };
        Option<int> cpus = new("--cpus") { Description = "CPUs whose buffers are drained in turn.", DefaultValueFactory = _ => 2 };
        Option<int> busy = new("--busy") { Description = "Simulate a busy server for this many seconds of trace, mid-flight, in the full format (--leaks: leak incidents per minute).", HelpName = "SECONDS" };
        Option<bool> quiesce = new("--quiesce") { Description = "With --busy: shut the program down at the end, so only the leaks are still blocked." };
        Option<string?> truthFile = new("--truth") { Description = "With --busy: write the leaked goroutines (goid, g, kind, ts, line of the park) to this file.", HelpName = "FILE" };

        Command command = new("gen", "Write a deterministic synthetic trace (for tests and benchmarks).")
        {
            output, format, events, size, seed, live, leaks, cpus, busy, quiesce, truthFile,
        };
        command.Validators.Add(result =>
        {
            string? n = result.GetValue(events);
            string? b = result.GetValue(size);
            if (result.GetValue(busy) is not 0)
            {
                if (result.GetValue(busy) < 0 || n is not null || b is not null)
                {
                    result.AddError("--busy takes a positive number of seconds and no --events or --size");
                }
            }
            else if (n is null && b is null)
            {
                result.AddError("give --events or --size");
            }
            else if ((n is not null && !TryParseCount(n, 1000, out _)) || (b is not null && !TryParseCount(b, 1024, out _)))
            {
                result.AddError("--events and --size take a number with an optional k/M/G (KB/MB/GB) suffix");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(live) < 1 || parse.GetValue(leaks) < 0 || parse.GetValue(cpus) is < 1 or > 1024)
            {
                await context.Stderr.WriteLineAsync("gotrace: --live must be at least 1, --leaks at least 0, --cpus between 1 and 1024").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            if (parse.GetValue(busy) > 0)
            {
                return await WriteBusyAsync(context, parse, busy, quiesce, truthFile, output, seed, live, leaks, cpus, cancellationToken).ConfigureAwait(false);
            }

            TryParseCount(parse.GetValue(events) ?? "0", 1000, out long eventCount);
            TryParseCount(parse.GetValue(size) ?? "0", 1024, out long byteCount);
            var options = new TraceGeneratorOptions
            {
                Seed = parse.GetValue(seed),
                Format = parse.GetValue(format) switch { "full" => TraceFormat.Full, "nonquiet" => TraceFormat.NonQuiet, _ => TraceFormat.Quiet },
                Events = eventCount,
                Bytes = byteCount,
                Live = parse.GetValue(live),
                Leaks = parse.GetValue(leaks),
                Cpus = parse.GetValue(cpus),
            };
            string? path = parse.GetValue(output);
            var clock = Stopwatch.StartNew();
            try
            {
                long written;
                if (path is null)
                {
                    Stream stdout = Console.OpenStandardOutput();
                    await using (stdout.ConfigureAwait(false))
                    {
                        written = new TraceGenerator(options).Write(stdout);
                    }
                }
                else
                {
                    written = await OutputFile.WriteAsync(path, stream => new TraceGenerator(options).Write(stream), cancellationToken).ConfigureAwait(false);
                    await context.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"gotrace: wrote {written} events, {new FileInfo(path).Length} bytes to {path} in {clock.Elapsed.TotalSeconds:0.00}s")).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot write '{path ?? "-"}': {e.Message}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            return GotraceCommand.ExitOk;
        });
        return command;
    }

    /// <summary><c>gotrace gen --busy</c>: the busy-server simulation, with its truth on request.</summary>
    private static async Task<int> WriteBusyAsync(
        CliContext context, ParseResult parse, Option<int> busy, Option<bool> quiesce, Option<string?> truthFile, Option<string?> output,
        Option<int> seed, Option<int> live, Option<int> leaks, Option<int> cpus, CancellationToken cancellationToken)
    {
        var options = new BusyTraceOptions
        {
            Seed = parse.GetValue(seed),
            Live = parse.GetValue(live),
            Duration = TimeSpan.FromSeconds(parse.GetValue(busy)),
            LeakIncidentsPerMinute = parse.GetValue(leaks),
            Quiesce = parse.GetValue(quiesce),
            Cpus = parse.GetValue(cpus),
        };
        string? path = parse.GetValue(output);
        string? truthPath = parse.GetValue(truthFile);
        try
        {
            BusyTraceTruth truth;
            if (path is null)
            {
                Stream stdout = Console.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    truth = new BusyTraceGenerator(options).Write(stdout);
                }
            }
            else
            {
                truth = await OutputFile.WriteAsync(path, stream => new BusyTraceGenerator(options).Write(stream), cancellationToken).ConfigureAwait(false);
                await context.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"gotrace: wrote {truth.Events} events, {new FileInfo(path).Length} bytes, {truth.Leaks.Count} leaked goroutines to {path}")).ConfigureAwait(false);
            }

            if (truthPath is not null)
            {
                await OutputFile.WriteAsync(truthPath, stream =>
                {
                    using var writer = new StreamWriter(stream, leaveOpen: true);
                    writer.Write("goid\tg\tkind\tts\tline\n");
                    foreach (BusyLeak leak in truth.Leaks)
                    {
                        writer.Write(string.Create(CultureInfo.InvariantCulture, $"{leak.GoId}\t0x{leak.GPointer:x}\t{leak.Kind}\t{leak.StartTimestamp}\t{leak.ParkLine}\n"));
                    }

                    return truth.Leaks.Count;
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await context.Stderr.WriteLineAsync($"gotrace: cannot write '{path ?? truthPath ?? "-"}': {e.Message}").ConfigureAwait(false);
            return GotraceCommand.ExitError;
        }

        return GotraceCommand.ExitOk;
    }

    /// <summary>Parses <c>10M</c>, <c>1GB</c>, <c>500k</c>, <c>1234</c>; <paramref name="unit"/> is 1000 for counts, 1024 for bytes.</summary>
    public static bool TryParseCount(string text, long unit, out long value)
    {
        value = 0;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.EndsWith("B", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^1];
        }

        long multiplier = 1;
        if (!s.IsEmpty && char.IsAsciiLetter(s[^1]))
        {
            multiplier = char.ToUpperInvariant(s[^1]) switch { 'K' => unit, 'M' => unit * unit, 'G' => unit * unit * unit, _ => 0 };
            s = s[..^1];
        }

        if (multiplier == 0 || !double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number) || number < 0)
        {
            return false;
        }

        value = (long)(number * multiplier);
        return true;
    }
}
