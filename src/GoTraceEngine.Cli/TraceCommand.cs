using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace trace [options] -- PROGRAM [ARGS...]</c> and <c>gotrace trace -p PID [--duration D]</c> (Linux): runs
/// a program under bpftrace, or attaches to a running one, with the bundled script for its Go version; feeds the
/// binary's Go-native names (<see cref="GoSymbols"/>) and then the trace, as it is written, into the engine; prints
/// the report when the program ends (or the duration, or Ctrl-C, ends an attach).
/// </summary>
/// <remarks>
/// Standard output carries the report and nothing else: the program's stdout goes to stderr, unless
/// <c>-o FILE</c> takes the report, in which case it stays on stdout. The exit status is the program's, as with
/// <c>time</c> or <c>strace</c> (128 + N when signal N killed it); with <c>--check</c> it is the gate's, and a
/// program that failed never passes. <c>--watch</c> shows <c>gotrace watch</c>'s dashboard on stderr while the
/// program runs, and changes neither the report nor the exit status.
/// </remarks>
internal static class TraceCommand
{
    private static readonly TimeSpan s_noDuration = TimeSpan.Zero;

    /// <summary>How often <c>--watch</c> redraws (gotrace watch's default refresh; the plain status line is printed once a second).</summary>
    private static readonly TimeSpan s_watchRefresh = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliContext context)
    {
        Argument<string[]> program = new("PROGRAM") { Description = "The Go program to run and trace, and its arguments (after --).", Arity = ArgumentArity.ZeroOrMore };
        Option<long?> pid = UsageErrors.OptionalInteger("--pid", "Attach to this running Go process instead of starting one; stop with Ctrl-C or --duration. Example: sudo gotrace trace -p 4242 --duration 30s", 1, int.MaxValue, "PID");
        pid.Aliases.Add("-p");
        Option<string?> duration = new("--duration") { Description = "Stop tracing after this long (30s, 5m) and report. With -p the process keeps running; a program gotrace started is then ended (SIGTERM).", HelpName = "DURATION" };
        Option<string> format = new("--format", "-f") { Description = "Report format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        Option<string?> output = new("--output", "-o") { Description = "Write the report to this file; the program's stdout then stays on stdout (without -o it goes to stderr).", HelpName = "FILE" };
        Option<string?> save = new("--save") { Description = "Keep the raw trace (with the binary's names) in this file, for gotrace replay.", HelpName = "FILE" };
        Option<string?> prometheus = MetricsExport.CreateOption();
        Option<bool> watch = new("--watch")
        {
            Description = "Show the live dashboard (see gotrace watch) on stderr while the program runs: a table when stderr is a terminal, else one status line a second. "
                + "The report and exit status are unchanged. On a terminal the program's output is printed above the table, and -o keeps the report out of its way.",
        };
        Option<bool> checkGate = new("--check") { Description = "Act as the CI gate (see gotrace check): exit 1 when the program leaks beyond --max-leaks, or fails." };
        var check = new CheckOptions();
        var engineOptions = new EngineOptions();
        Command command = new("trace", "Run a Go program under bpftrace, or attach to one (-p), on Linux as root, and report its goroutine leaks.")
        {
            program, pid, duration, format, output, save, watch, checkGate, prometheus,
        };
        HelpExamples.Set(command, "sudo gotrace trace --watch -o report.json --format json -- ./server -port 8080");
        check.AddTo(command, withFormat: false);
        engineOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            bool hasPid;
            try
            {
                hasPid = result.GetValue(pid) is not null;
            }
            catch (InvalidOperationException)
            {
                // A value the option rejects: its own message says what is wrong.
                return;
            }

            bool hasProgram = result.GetValue(program) is { Length: > 0 };
            if (hasProgram == hasPid)
            {
                result.AddError(hasPid ? "give either -p PID or a PROGRAM to run, not both" : "give the PROGRAM to run (after --), or -p PID to attach to a running process");
            }

            if (result.GetValue(duration) is { } text)
            {
                if (!DurationParser.TryParse(text, out TimeSpan span) || span <= TimeSpan.Zero)
                {
                    result.AddError($"'{text}' is not a duration (expected e.g. 500ms, 30s, 1m).");
                }
            }

            foreach (Option<string?> file in new[] { output, save })
            {
                if (result.GetValue(file) is { } path && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
                {
                    result.AddError($"{file.Name} '{path}': no such directory");
                }
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using MetricsExport? metrics = MetricsExport.Start(parse.GetValue(prometheus), out string? metricsError);
            if (metricsError is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {metricsError}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            // The dashboard writes on stderr from its own task, beside the program's output and bpftrace's messages.
            bool watching = parse.GetValue(watch);
            var run = new TraceRun(
                watching ? context with { Stderr = TextWriter.Synchronized(context.Stderr) } : context,
                parse.GetValue(program) ?? [],
                (int?)parse.GetValue(pid),
                parse.GetValue(duration) is { } d && DurationParser.TryParse(d, out TimeSpan span) ? span : s_noDuration,
                parse.GetValue(format) == "json",
                parse.GetValue(output),
                parse.GetValue(save),
                parse.GetValue(checkGate) ? (ctx, summary, json) => check.JudgeAsync(ctx, parse, summary, json, CancellationToken.None) : null,
                metrics,
                watching);
            int exit = await run.ExecuteAsync(engineOptions.Build(parse), cancellationToken).ConfigureAwait(false);
            await (metrics?.WaitForFinalScrapeAsync(context.Stderr, cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            return exit;
        });
        return command;
    }

    /// <summary>What tracing needs, checked before anything starts; <see cref="Error"/> names the first thing missing.</summary>
    internal sealed record Preflight(string? Error, string Binary = "", string GoText = "", GoVersion Version = default, GOffsets? Offsets = null, GoSymbols? Names = null);

    /// <summary>
    /// Checks the machine and the program (a path or name on PATH, or the executable of <paramref name="pid"/>), and
    /// reads the binary's g offsets and names. The only side effect is mounting tracefs when it is missing.
    /// </summary>
    internal static async Task<Preflight> CheckAsync(string? program, int? pid, TextWriter stderr, CancellationToken cancellationToken)
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

        string? binary;
        string shown;
        if (pid is { } id)
        {
            if (!Directory.Exists($"/proc/{id}"))
            {
                return new($"no process {id}");
            }

            shown = $"process {id}";
            FileSystemInfo? target = new FileInfo($"/proc/{id}/exe").ResolveLinkTarget(returnFinalTarget: false);
            binary = target?.FullName;
            if (binary is null || binary.EndsWith(" (deleted)", StringComparison.Ordinal) || !File.Exists(binary))
            {
                return new($"the executable of process {id} is gone (deleted or replaced since it started): bpftrace needs its file to place probes");
            }
        }
        else
        {
            shown = $"'{program}'";
            binary = program!.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(program) : FindOnPath(program);
            if (binary is null || !File.Exists(binary))
            {
                return new($"no program '{program}'");
            }
        }

        byte[] file = await File.ReadAllBytesAsync(binary, cancellationToken).ConfigureAwait(false);
        string? arch = GoBinary.ElfArchitecture(file);
        if (arch is null)
        {
            return new($"{shown} is not an ELF executable (a script? trace the Go binary itself)");
        }

        string? goText = GoBinary.GoVersion(file);
        if (goText is null || !GoBinary.TryParseVersion(goText, out GoVersion version))
        {
            return new($"{shown} is not a Go program (no Go build info)");
        }

        if (arch != "amd64" || version < new GoVersion(1, 17))
        {
            return new($"{shown} is {goText} on {arch}: the bpftrace scripts support Go >= 1.17 on amd64 (the register ABI)");
        }

        GoSymbols? names = GoSymbols.Read(file, binary, out string? symbolError);
        if (names is null)
        {
            return new(symbolError);
        }

        GOffsets? offsets = GoBinary.ReadGOffsets(binary, out string? error);
        if (offsets is null)
        {
            return new(error);
        }

        string? tracefs = await Tracefs.EnsureAsync(Path.Exists, Tracefs.MountAsync, stderr).ConfigureAwait(false);
        return tracefs is not null ? new(tracefs) : new(null, binary, goText, version, offsets, names);
    }

    internal static string? FindOnPath(string name)
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

    /// <summary>
    /// Reads the goroutines an attached process holds blocked (<see cref="GoroutineSnapshot"/>) in steps between the
    /// trace's chunks, names their pcs as the trace's are named, and feeds them to the engine; says on stderr what it
    /// read, or why it could not.
    /// </summary>
    private sealed class SnapshotReader(int pid, Preflight preflight, Action<ReadOnlySpan<byte>> feed, Action<string> say) : IDisposable
    {
        // Its own symbolizer: the trace's may hold back a partial line, and the snapshot's lines must not join it.
        private readonly TraceSymbolizer _symbolizer = new(preflight.Names!);
        private readonly StringBuilder _lines = new();
        private GoroutineSnapshot? _snapshot;
        private long _started;
        private bool _done;

        /// <summary>
        /// One step: waits until the probes are in (the trace has begun, or the breakpoints are in the process's
        /// text), then reads the goroutines a step at a time and feeds their lines to the engine.
        /// </summary>
        public SideWork Step(bool traceBegun)
        {
            if (_done)
            {
                return SideWork.Done;
            }

            if (_snapshot is null)
            {
                _snapshot = GoroutineSnapshot.Open(pid, preflight.Names!, preflight.Offsets!, preflight.Version, out string? error);
                if (_snapshot is null)
                {
                    return Fail(error!);
                }
            }

            if (_started == 0)
            {
                if (!traceBegun && !_snapshot.ProbesAttached())
                {
                    return SideWork.Waiting;
                }

                _started = Posix.MonotonicNanoseconds();
            }

            bool more;
            _lines.Clear();
            try
            {
                more = _snapshot.Step(_lines);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The read is an addition to the trace: whatever stops it, the trace goes on without it.
                return Fail(e.Message);
            }

            if (_lines.Length > 0)
            {
                _symbolizer.Process(Encoding.ASCII.GetBytes(_lines.ToString()), feed);
            }

            if (more)
            {
                return SideWork.More;
            }

            say(string.Create(CultureInfo.InvariantCulture,
                $"gotrace: {_snapshot.Blocked} of process {pid}'s {_snapshot.Goroutines} goroutines were blocked when the probes attached (read from its memory in {ReportWriter.FormatDuration(Posix.MonotonicNanoseconds() - _started)}): the trace follows them from there"));
            Dispose();
            return SideWork.Done;
        }

        /// <summary>Once the trace has stopped: says on <paramref name="stderr"/> if the read did not finish (Ctrl-C, the process ended, the probes never seen), and closes it.</summary>
        public void Finish(TextWriter stderr)
        {
            if (!_done && _snapshot is not null)
            {
                stderr.WriteLine(_started == 0
                    ? $"gotrace: did not read the goroutines process {pid} held blocked before the attach: the trace stopped before its probes were seen to attach"
                    : string.Create(CultureInfo.InvariantCulture, $"gotrace: the trace stopped while process {pid}'s goroutines were read: {_snapshot.Blocked} blocked of the first {_snapshot.Goroutines} read joined it"));
            }

            Dispose();
        }

        public void Dispose()
        {
            _done = true;
            _snapshot?.Dispose();
        }

        private SideWork Fail(string error)
        {
            say($"gotrace: cannot read the goroutines process {pid} held blocked before the attach: {error}; the trace sees those only if they park again");
            Dispose();
            return SideWork.Done;
        }
    }

    /// <summary>One <c>gotrace trace</c> run, from the preflight to the exit status.</summary>
    private sealed class TraceRun(
        CliContext context, string[] commandLine, int? pid, TimeSpan duration, bool json, string? output, string? save, Func<CliContext, TraceSummary, bool, Task<int>>? gate, MetricsExport? metrics, bool watch)
    {
        public async Task<int> ExecuteAsync(TraceEngineOptions options, CancellationToken cancellationToken)
        {
            Preflight preflight = await CheckAsync(pid is null ? commandLine[0] : null, pid, context.Stderr, cancellationToken).ConfigureAwait(false);
            if (preflight.Error is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot trace: {preflight.Error}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            GoSymbols names = preflight.Names!;
            if (names.IsPositionIndependent)
            {
                await context.Stderr.WriteLineAsync($"gotrace: '{preflight.Binary}' is a position-independent executable: the go statements' file:line cannot be matched (build with -buildmode=exe to get them)").ConfigureAwait(false);
            }

            string script = ScriptCatalog.Render(
                ScriptCatalog.ScriptName("bpftrace", "amd64", preflight.Version)!, preflight.Version, preflight.GoText.Replace("go", string.Empty, StringComparison.Ordinal),
                preflight.Offsets!, preflight.Binary, "linux", kernelBtf: File.Exists("/sys/kernel/btf/vmlinux"), attachPid: pid, rawPcs: true);
            BpftraceTarget target = pid is null ? new([preflight.Binary, .. commandLine.Skip(1)], null) : new(null, pid);
            byte[] symbolLines = Encoding.UTF8.GetBytes(string.Concat(names.Lines().Select(l => l + "\n")));

            // Standard output is the report's alone: the program's stdout goes to stderr unless the report goes to a file.
            // Under the live table (--watch, stderr a terminal), what would reach the terminal is printed above it instead.
            TextWriter programStdout = output is null ? context.Stderr : context.Stdout;
            WatchLog? above = watch && context.StderrIsTerminal ? new WatchLog() : null;
            Action<ReadOnlySpan<byte>> toStdout = above is not null && (output is null || context.StdoutIsTerminal) ? above.Stream() : OutputSink.For(programStdout);
            Action<ReadOnlySpan<byte>> toStderr = above?.Stream() ?? OutputSink.For(context.Stderr);
            Action<string> forward = above is null ? line => context.Stderr.WriteLine("bpftrace: " + line) : line => above.WriteLine("bpftrace: " + line);
            try
            {
                using BpftraceSession session = BpftraceSession.Start(script, target, forward);
                if (pid is { } id)
                {
                    await context.Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"gotrace: attaching to process {id} ({preflight.Binary}){(duration > TimeSpan.Zero ? " for " + ReportWriter.FormatDuration((long)duration.TotalNanoseconds) : ", until Ctrl-C")}: goroutines blocked before the attach are read from its memory, the others join the trace at their first park")).ConfigureAwait(false);
                }

                // The engine, and the copy --save keeps, get the binary's names first, then the trace with its pcs named.
                var engine = new TraceEngine(options);
                metrics?.Attach(engine);
                engine.Feed(symbolLines);
                string named = session.TracePath + ".named";
                using FileStream? copy = save is null ? null : new FileStream(named, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                var symbolizer = new TraceSymbolizer(names);

                // The engine is single-writer: with --watch the dashboard's snapshots are taken between feeds, under this lock.
                Lock feedLock = new();
                void Named(ReadOnlySpan<byte> lines)
                {
                    lock (feedLock)
                    {
                        engine.Feed(lines);
                        metrics?.Sample(engine);
                    }

                    copy?.Write(lines);
                }

                // The moment bpftrace is told to stop goes into the trace, between complete lines: after it, its probes
                // detach one by one (readies stop while parks still arrive), so the engine applies nothing stamped later.
                void Stopping(long ts) => Named(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"# tracer stopped ts={ts}\n")));
                using SnapshotReader? snapshot = pid is { } attachedTo
                    ? new SnapshotReader(attachedTo, preflight, Named, above is null ? context.Stderr.WriteLine : above.WriteLine)
                    : null;
                Task<BpftraceEnd> tracing = session.RunAsync(
                    chunk => symbolizer.Process(chunk, Named), toStdout, toStderr, duration > TimeSpan.Zero ? duration : null, Stopping, cancellationToken,
                    snapshot is null ? null : snapshot.Step);
                BpftraceEnd end = await (watch ? WatchAsync(engine, feedLock, tracing, above) : tracing).ConfigureAwait(false);
                if (end.Attached)
                {
                    snapshot?.Finish(context.Stderr);
                }
                symbolizer.Flush(Named);
                copy?.Flush();
                if (!end.Attached)
                {
                    if (end.StoppedEarly)
                    {
                        await context.Stderr.WriteLineAsync("gotrace: interrupted before bpftrace attached its probes: no report").ConfigureAwait(false);
                        return ExitCodes.Interrupted;
                    }

                    await context.Stderr.WriteLineAsync($"gotrace: cannot trace: {BpftraceMessages.Diagnose(end.TracerMessages, pid)}{(pid is null ? " (the program did not run)" : string.Empty)}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                return await ReportAsync(engine, session, end, symbolLines, named, preflight).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                await context.Stderr.WriteLineAsync($"gotrace: tracing failed: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        }

        /// <summary>
        /// The dashboard on stderr until <paramref name="tracing"/> ends (the table clears itself then, after the last
        /// lines of <paramref name="above"/>), its snapshots taken under <paramref name="feedLock"/>; the report comes
        /// after, as without --watch.
        /// </summary>
        private async Task<BpftraceEnd> WatchAsync(TraceEngine engine, Lock feedLock, Task<BpftraceEnd> tracing, WatchLog? above)
        {
            var dashboard = new WatchSession(engine, s_watchRefresh);
            Task<BpftraceEnd> traced = FlushAfterAsync(tracing, above);
            Task publishing = dashboard.PublishUntilAsync(traced, feedLock);
            try
            {
                await WatchCommand.ShowAsync(dashboard, traced, context.Stderr, context.StderrIsTerminal, above).ConfigureAwait(false);
            }
            finally
            {
                await publishing.ConfigureAwait(false);
            }

            return await traced.ConfigureAwait(false);
        }

        /// <summary><paramref name="tracing"/>, then the program's unfinished last lines into <paramref name="above"/>.</summary>
        private static async Task<BpftraceEnd> FlushAfterAsync(Task<BpftraceEnd> tracing, WatchLog? above)
        {
            try
            {
                return await tracing.ConfigureAwait(false);
            }
            finally
            {
                above?.Flush();
            }
        }

        private async Task<int> ReportAsync(TraceEngine engine, BpftraceSession session, BpftraceEnd end, byte[] symbolLines, string named, Preflight preflight)
        {
            bool interrupted = end.StoppedEarly && pid is null;
            if (interrupted)
            {
                engine.Complete(IncompleteReason.Interrupted, EndedEarly.TracingInterrupted);
            }
            else if (end.TracerExitCode != 0)
            {
                engine.Complete(IncompleteReason.TracerFailed, EndedEarly.TracerFailed(end.TracerExitCode));
            }
            else
            {
                engine.Complete();
            }

            if (save is not null)
            {
                try
                {
                    await OutputFile.WriteAsync(save, s =>
                    {
                        s.Write(symbolLines);
                        using FileStream trace = File.OpenRead(named);
                        trace.CopyTo(s);
                        return 0;
                    }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The report is worth more than the copy: say so and go on.
                    await context.Stderr.WriteLineAsync($"gotrace: cannot save the trace to '{save}': {e.Message}").ConfigureAwait(false);
                }
            }

            // How the program ended is in the trace itself (# exit code=N, # exit signal=N): the engine read it.
            TraceSummary summary = engine.GetSummary();

            // A program gotrace started and stopped at --duration ran until the trace stopped: bpftrace detaches its
            // probes, then ends the program it started (SIGTERM), so no exit of it reaches the trace. An exit in the
            // trace is the program's own, before the stop (it crashed, or was killed by someone else): that stays a failure.
            bool stoppedAtDuration = end.StoppedAtDuration && pid is null && summary.ProgramExit is null;
            (int? code, int? signal) = (summary.ProgramExit?.Code, summary.ProgramExit?.Signal);
            string command = pid is { } id ? $"process {id} ({preflight.Binary})" : string.Join(' ', commandLine);
            string? failure = signal is { } s ? $"killed by {Posix.SignalName(s)}" : code is > 0 ? $"exited with code {code}" : null;
            bool stillRunning = stoppedAtDuration || (pid is { } attached && code is null && signal is null && Posix.Signal(attached, 0));
            summary = summary with
            {
                Program = new TracedProgram { Command = signal is { } sig ? $"{command} (killed by {Posix.SignalName(sig)})" : command, ExitCode = code, StillRunning = stillRunning },
            };
            metrics?.Final(summary);
            var report = new StringWriter { NewLine = "\n" };
            int exit;
            if (gate is not null)
            {
                exit = await gate(context with { Stdout = report }, summary, json).ConfigureAwait(false);
                if (failure is not null && exit is ExitCodes.Ok or ExitCodes.Leaks)
                {
                    // A program that failed passes no gate, whatever its leaks.
                    report = FailVerdict(report.ToString(), failure);
                    exit = ExitCodes.Leaks;
                }
            }
            else
            {
                if (json)
                {
                    ReportWriter.WriteJson(summary, report);
                    await report.WriteLineAsync().ConfigureAwait(false);
                }
                else
                {
                    ReportWriter.WriteText(summary, report);
                }

                exit = interrupted ? ExitCodes.Interrupted
                    : stoppedAtDuration ? ExitCodes.Ok
                    : signal is { } n ? 128 + n
                    : code ?? (pid is null ? ExitCodes.Leaks : ExitCodes.Ok);
            }

            if (!await WriteReportAsync(report.ToString()).ConfigureAwait(false))
            {
                return ExitCodes.Error;
            }

            if (failure is not null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: the traced program {failure}").ConfigureAwait(false);
            }
            else if (stoppedAtDuration)
            {
                await context.Stderr.WriteLineAsync($"gotrace: stopped the traced program after {ReportWriter.FormatDuration((long)duration.TotalNanoseconds)} (--duration)").ConfigureAwait(false);
            }
            else if (pid is null && code is null && !interrupted)
            {
                await context.Stderr.WriteLineAsync("gotrace: the traced program did not exit through exit_group and no signal was seen: its exit status is unknown").ConfigureAwait(false);
            }

            if (end.TracerExitCode != 0 && !interrupted)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {EndedEarly.TracerFailed(end.TracerExitCode)}: the trace is incomplete").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            return exit;
        }

        /// <summary>Writes the report to stdout or to <c>-o FILE</c>; false after one line on stderr when the file cannot be written.</summary>
        private async Task<bool> WriteReportAsync(string report)
        {
            if (output is null)
            {
                await context.Stdout.WriteAsync(report).ConfigureAwait(false);
                return true;
            }

            try
            {
                await OutputFile.WriteAsync(output, s => { s.Write(Encoding.UTF8.GetBytes(report)); return 0; }, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot write the report to '{output}': {e.Message}").ConfigureAwait(false);
                return false;
            }
        }

        /// <summary>Turns the gate's verdict into a failure that names the program's: text on its first line, JSON in <c>passed</c> and <c>programFailure</c>.</summary>
        private StringWriter FailVerdict(string verdict, string failure)
        {
            var rewritten = new StringWriter { NewLine = "\n" };
            if (json)
            {
                JsonNode node = JsonNode.Parse(verdict)!;
                node["passed"] = false;
                node["programFailure"] = "the program " + failure;
                rewritten.WriteLine(node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return rewritten;
            }

            const string pass = "gotrace check: PASS: ", fail = "gotrace check: FAIL: ";
            string rest = verdict.StartsWith(pass, StringComparison.Ordinal) ? verdict[pass.Length..]
                : verdict.StartsWith(fail, StringComparison.Ordinal) ? verdict[fail.Length..]
                : verdict;
            rewritten.Write($"{fail}the program {failure}; {rest}");
            return rewritten;
        }
    }
}
