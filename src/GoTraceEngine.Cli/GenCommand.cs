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
        Option<long> seed = UsageErrors.Integer("--seed", "Random seed: the same options write the same bytes.", int.MinValue, int.MaxValue, 1);
        Option<long> live = UsageErrors.Integer("--live", "Steady population of live goroutines.", 1, 1 << 28, 1000);
        Option<long> leaks = UsageErrors.Integer("--leaks", "Goroutines that block forever, spread over the trace.", 0, 1 << 28, 0);
        Option<long> cpus = UsageErrors.Integer("--cpus", "CPUs whose buffers are drained in turn.", 1, 1024, 2);
        Option<long> busy = UsageErrors.Integer("--busy", "Simulate a busy server for this many seconds of trace, mid-flight, in the full format (--leaks: leak incidents per minute). Example: gotrace gen --busy 60 --leaks 6 -o busy.txt", 0, 86_400, 0, "SECONDS");
        Option<bool> quiesce = new("--quiesce") { Description = "With --busy: shut the program down at the end, so only the leaks are still blocked." };
        Option<string?> truthFile = new("--truth") { Description = "With --busy: write the leaked goroutines (goid, g, kind, ts, line of the park) to this file.", HelpName = "FILE" };

        Command command = new("gen", "Write a deterministic synthetic trace (for tests and benchmarks).")
        {
            output, format, events, size, seed, live, leaks, cpus, busy, quiesce, truthFile,
        };

        HelpExamples.Set(command, "gotrace gen --events 10M --format full --leaks 5 -o big.trace.txt");
        command.Validators.Add(result =>
        {
            string? n = result.GetValue(events);
            string? b = result.GetValue(size);
            long seconds;
            try
            {
                seconds = result.GetValue(busy);
            }
            catch (InvalidOperationException)
            {
                // --busy's own message says what is wrong with its value.
                return;
            }

            if (seconds is not 0)
            {
                if (n is not null || b is not null)
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
                result.AddError("--events and --size take a positive number (at most 9.2E18) with an optional k/M/G (KB/MB/GB) suffix, e.g. --events 10M");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The generator is synchronous: return to System.CommandLine first, so that its Ctrl-C and SIGTERM handlers are
            // in place (they cancel the token, which stops the generator and removes a partial output file).
            await Task.Yield();
            if (parse.GetValue(busy) > 0)
            {
                return await WriteBusyAsync(context, parse, busy, quiesce, truthFile, output, seed, live, leaks, cpus, cancellationToken).ConfigureAwait(false);
            }

            TryParseCount(parse.GetValue(events) ?? "0", 1000, out long eventCount);
            TryParseCount(parse.GetValue(size) ?? "0", 1024, out long byteCount);
            var options = new TraceGeneratorOptions
            {
                Seed = (int)parse.GetValue(seed),
                Format = parse.GetValue(format) switch { "full" => TraceFormat.Full, "nonquiet" => TraceFormat.NonQuiet, _ => TraceFormat.Quiet },
                Events = eventCount,
                Bytes = byteCount,
                Live = (int)parse.GetValue(live),
                Leaks = (int)parse.GetValue(leaks),
                Cpus = (int)parse.GetValue(cpus),
            };
            string? path = parse.GetValue(output);
            var clock = Stopwatch.StartNew();
            try
            {
                long written;
                if (path is null)
                {
                    written = WriteToStandardOutput(stream => new TraceGenerator(options).Write(stream), cancellationToken);
                }
                else
                {
                    written = await OutputFile.WriteAsync(path, stream => new TraceGenerator(options).Write(new CancellableStream(stream, cancellationToken)), cancellationToken).ConfigureAwait(false);
                    await context.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"gotrace: wrote {written} events, {new FileInfo(path).Length} bytes to {path} in {clock.Elapsed.TotalSeconds:0.00}s")).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot write '{path ?? "-"}': {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>gotrace gen --busy</c>: the busy-server simulation, with its truth on request.</summary>
    private static async Task<int> WriteBusyAsync(
        CliContext context, ParseResult parse, Option<long> busy, Option<bool> quiesce, Option<string?> truthFile, Option<string?> output,
        Option<long> seed, Option<long> live, Option<long> leaks, Option<long> cpus, CancellationToken cancellationToken)
    {
        var options = new BusyTraceOptions
        {
            Seed = (int)parse.GetValue(seed),
            Live = (int)parse.GetValue(live),
            Duration = TimeSpan.FromSeconds(parse.GetValue(busy)),
            LeakIncidentsPerMinute = (int)parse.GetValue(leaks),
            Quiesce = parse.GetValue(quiesce),
            Cpus = (int)parse.GetValue(cpus),
        };
        string? path = parse.GetValue(output);
        string? truthPath = parse.GetValue(truthFile);
        try
        {
            BusyTraceTruth truth;
            if (path is null)
            {
                truth = WriteToStandardOutput(stream => new BusyTraceGenerator(options).Write(stream), cancellationToken);
            }
            else
            {
                truth = await OutputFile.WriteAsync(path, stream => new BusyTraceGenerator(options).Write(new CancellableStream(stream, cancellationToken)), cancellationToken).ConfigureAwait(false);
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
            return ExitCodes.Error;
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Writes to file descriptor 1 directly: the console stream ignores EPIPE, so <c>gotrace gen | head</c> would go on
    /// generating for minutes after <c>head</c> left. Here the closed pipe stops it (quietly, exit 141), as Ctrl-C does.
    /// </summary>
    private static T WriteToStandardOutput<T>(Func<Stream, T> write, CancellationToken cancellationToken)
    {
        Console.Out.Flush();
        using var stdout = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        try
        {
            return write(new CancellableStream(stdout, cancellationToken));
        }
        catch (IOException e)
        {
            throw CliException.Output(e);
        }
    }

    /// <summary>Parses <c>10M</c>, <c>1GB</c>, <c>500k</c>, <c>1234</c> (at least 1); <paramref name="unit"/> is 1000 for counts, 1024 for bytes.</summary>
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

        if (multiplier == 0 || !double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        double total = number * multiplier;
        if (!(total >= 1) || total >= 9.2e18)
        {
            return false;
        }

        value = (long)total;
        return true;
    }
}
