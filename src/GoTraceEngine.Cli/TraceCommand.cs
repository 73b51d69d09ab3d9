using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace trace [options] -- PROGRAM [ARGS...]</c> (Linux): runs the program under bpftrace with the bundled script
/// for its Go version, streams the trace into the engine as it is written, and prints the report when it exits.
/// </summary>
internal static class TraceCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string[]> program = new("PROGRAM") { Description = "The Go program to run and trace, and its arguments (after --).", Arity = ArgumentArity.OneOrMore };
        Option<string> format = new("--format", "-f") { Description = "Report format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        Option<string?> save = new("--save") { Description = "Keep the raw trace in this file, for gotrace replay.", HelpName = "FILE" };
        Option<string?> prometheus = MetricsExport.CreateOption();
        Option<bool> checkGate = new("--check") { Description = "Act as the CI gate (see gotrace check): exit 1 when the program leaks beyond --max-leaks." };
        var check = new CheckOptions();
        var engineOptions = new EngineOptions();
        Command command = new("trace", "Run a Go program under bpftrace (Linux, root) and report its goroutine leaks when it exits.")
        {
            program, format, save, checkGate, prometheus,
        };
        check.AddTo(command, withFormat: false);
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TraceEngineOptions options = engineOptions.Build(parse);

            string[] commandLine = parse.GetValue(program) ?? [];
            Preflight preflight = await CheckAsync(commandLine[0], cancellationToken).ConfigureAwait(false);
            if (preflight.Error is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot trace: {preflight.Error}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            bool json = parse.GetValue(format) == "json";
            Func<TraceSummary, Task<int>>? gate = parse.GetValue(checkGate) ? summary => check.JudgeAsync(context, parse, summary, json, CancellationToken.None) : null;
            if (parse.GetValue(save) is { } savePath && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(savePath))))
            {
                await context.Stderr.WriteLineAsync($"gotrace: --save '{savePath}': no such directory").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            await using MetricsExport? metrics = MetricsExport.Start(parse.GetValue(prometheus), out string? metricsError);
            if (metricsError is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {metricsError}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            int exit = await RunAsync(context, preflight, commandLine, options, json, parse.GetValue(save), gate, metrics, cancellationToken).ConfigureAwait(false);
            await (metrics?.WaitForFinalScrapeAsync(context.Stderr, cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            return exit;
        });
        return command;
    }

    /// <summary>What tracing needs, checked before anything starts; <see cref="Error"/> names the first thing missing.</summary>
    internal sealed record Preflight(string? Error, string Binary = "", string GoText = "", GoVersion Version = default, GOffsets? Offsets = null);

    internal static async Task<Preflight> CheckAsync(string program, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new("live tracing uses bpftrace on Linux; elsewhere run the DTrace script (gotrace script --tracer dtrace) and gotrace replay its output");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return new("bpftrace needs root: run gotrace trace with sudo");
        }

        if (FindOnPath("bpftrace") is null)
        {
            return new("bpftrace is not installed (apt-get install bpftrace)");
        }

        string? binary = program.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(program) : FindOnPath(program);
        if (binary is null || !File.Exists(binary))
        {
            return new($"no program '{program}'");
        }

        byte[] file = await File.ReadAllBytesAsync(binary, cancellationToken).ConfigureAwait(false);
        string? arch = GoBinary.ElfArchitecture(file);
        if (arch is null)
        {
            return new($"'{program}' is not an ELF executable (a script? trace the Go binary itself)");
        }

        string? goText = GoBinary.GoVersion(file);
        if (goText is null || !GoBinary.TryParseVersion(goText, out GoVersion version))
        {
            return new($"'{program}' is not a Go program (no Go build info)");
        }

        if (arch != "amd64" || version < new GoVersion(1, 17))
        {
            return new($"'{program}' is {goText} on {arch}: the bpftrace scripts support Go >= 1.17 on amd64 (the register ABI)");
        }

        GOffsets? offsets = GoBinary.ReadGOffsets(binary, out string? error);
        return offsets is null ? new(error) : new(null, binary, goText, version, offsets);
    }

    private static async Task<int> RunAsync(
        CliContext context, Preflight preflight, string[] commandLine, TraceEngineOptions options, bool json, string? save, Func<TraceSummary, Task<int>>? gate, MetricsExport? metrics, CancellationToken cancellationToken)
    {
        string work = Directory.CreateTempSubdirectory("gotrace-trace-").FullName;
        Process? tracer = null;
        try
        {
            string scriptPath = Path.Combine(work, "trace.bt");
            string outputPath = Path.Combine(work, "trace.txt");
            string wrapper = Path.Combine(work, "run.sh");
            string name = ScriptCatalog.ScriptName("bpftrace", "amd64", preflight.Version)!;
            await File.WriteAllTextAsync(scriptPath, ScriptCatalog.Render(name, preflight.Version, preflight.GoText.Replace("go", string.Empty, StringComparison.Ordinal), preflight.Offsets!, preflight.Binary, "linux"), cancellationToken).ConfigureAwait(false);

            // bpftrace splits -c on spaces, so the program and its arguments go through a shell that execs it: the program
            // then has the pid bpftrace started (cpid, which every probe filters on), and stdout and stderr are the terminal's.
            string quoted = string.Join(' ', new[] { preflight.Binary }.Concat(commandLine.Skip(1)).Select(Quote));
            await File.WriteAllTextAsync(wrapper, $"exec {quoted}\n", cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(outputPath, string.Empty, cancellationToken).ConfigureAwait(false);

            var start = new ProcessStartInfo("bpftrace", ["-o", outputPath, "-c", "/bin/sh " + wrapper, scriptPath]) { UseShellExecute = false };
            if (Environment.GetEnvironmentVariable("BPFTRACE_PERF_RB_PAGES") is null)
            {
                start.Environment["BPFTRACE_PERF_RB_PAGES"] = "8192";
            }

            tracer = Process.Start(start) ?? throw new IOException("cannot start bpftrace");
            var engine = new TraceEngine(options);
            metrics?.Attach(engine);
            bool interrupted = false;
            var stream = new FileStream(outputPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            await using (stream.ConfigureAwait(false))
            {
                byte[] buffer = new byte[1 << 16];
                while (true)
                {
                    int read = await stream.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                    if (read > 0)
                    {
                        engine.Feed(buffer.AsSpan(0, read));
                        metrics?.Sample(engine);
                        continue;
                    }

                    if (tracer.HasExited)
                    {
                        // The tracer is gone: whatever it wrote last is in the file now.
                        while ((read = await stream.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
                        {
                            engine.Feed(buffer.AsSpan(0, read));
                        }

                        break;
                    }

                    if (cancellationToken.IsCancellationRequested && !interrupted)
                    {
                        // Ctrl-C reached the program and bpftrace too (one process group); give them a moment to finish.
                        interrupted = true;
                        _ = Task.Delay(5000, CancellationToken.None).ContinueWith(_ => StopTracer(tracer), TaskScheduler.Default);
                    }

                    await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
                }
            }

            await tracer.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            interrupted |= cancellationToken.IsCancellationRequested;
            engine.SetTracedProgram(string.Join(' ', commandLine), ReadExitCode(outputPath));
            if (interrupted)
            {
                engine.Complete(EndedEarly.TracingInterrupted);
            }
            else if (tracer.ExitCode != 0)
            {
                engine.Complete(EndedEarly.TracerFailed(tracer.ExitCode));
            }
            else
            {
                engine.Complete();
            }

            if (save is not null)
            {
                try
                {
                    await OutputFile.WriteAsync(save, s => { using FileStream raw = File.OpenRead(outputPath); raw.CopyTo(s); return 0; }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The report is worth more than the copy: say so and go on.
                    await context.Stderr.WriteLineAsync($"gotrace: cannot save the trace to '{save}': {e.Message}").ConfigureAwait(false);
                }
            }

            TraceSummary summary = engine.GetSummary();
            metrics?.Final(summary);
            if (gate is not null)
            {
                return await gate(summary).ConfigureAwait(false);
            }

            if (json)
            {
                await context.Stdout.WriteLineAsync(ReportWriter.ToJson(summary)).ConfigureAwait(false);
            }
            else
            {
                ReportWriter.WriteText(summary, context.Stdout);
            }

            if (tracer.ExitCode != 0 && !interrupted)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {EndedEarly.TracerFailed(tracer.ExitCode)}: the trace is incomplete").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            return interrupted ? GotraceCommand.ExitInterrupted : GotraceCommand.ExitOk;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            await context.Stderr.WriteLineAsync($"gotrace: tracing failed: {e.Message}").ConfigureAwait(false);
            return GotraceCommand.ExitError;
        }
        finally
        {
            if (tracer is not null)
            {
                StopTracer(tracer);
                tracer.Dispose();
            }

            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary directory is not worth failing the run for.
            }
        }
    }

    /// <summary>The program's exit status, from the script's <c># exit code=N</c> line (the last one), or null.</summary>
    private static int? ReadExitCode(string trace)
    {
        int? code = null;
        foreach (string line in File.ReadLines(trace))
        {
            if (line.StartsWith("# exit code=", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(12).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                code = value;
            }
        }

        return code;
    }

    private static void StopTracer(Process tracer)
    {
        try
        {
            if (!tracer.HasExited)
            {
                tracer.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
