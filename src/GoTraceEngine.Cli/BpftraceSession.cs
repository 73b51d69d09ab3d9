using System.Diagnostics;
using System.Text;

namespace GoTraceEngine.Cli;

/// <summary>What a bpftrace session traces: a program it starts (<c>-c</c>) or a running process (<c>-p</c>).</summary>
/// <param name="CommandLine">The program (its resolved path first) and its arguments, or null to attach to <paramref name="Pid"/>.</param>
/// <param name="Pid">The process to attach to, or null to start <paramref name="CommandLine"/>.</param>
internal sealed record BpftraceTarget(IReadOnlyList<string>? CommandLine, int? Pid);

/// <summary>How a session ended.</summary>
/// <param name="TracerExitCode">bpftrace's exit code.</param>
/// <param name="Attached">Whether the probes were attached (the script's BEGIN line reached the trace).</param>
/// <param name="StoppedEarly">Stopped by Ctrl-C (or the token) before the program or process ended.</param>
/// <param name="StoppedAtDuration">Stopped because <c>--duration</c> elapsed.</param>
/// <param name="TracerMessages">What bpftrace printed on its own stdout and stderr (blank lines left out).</param>
internal sealed record BpftraceEnd(int TracerExitCode, bool Attached, bool StoppedEarly, bool StoppedAtDuration, IReadOnlyList<string> TracerMessages);

/// <summary>
/// One run of bpftrace: starts it on a rendered script (for a program, through a shell wrapper that sends the
/// program's stdout and stderr to files of its own), tails the trace it writes (<c>-o</c>) and the program's output
/// as they grow, stops it (SIGINT, then SIGKILL) on request or at a duration, and cleans up. Single-threaded use.
/// </summary>
internal sealed class BpftraceSession : IDisposable
{
    private static ReadOnlySpan<byte> BeginMarker => "# gotrace tracer="u8;

    /// <summary>How long past its duration a trace waits for side work that has not finished (the probes slow to attach).</summary>
    private static readonly TimeSpan s_sideWorkGrace = TimeSpan.FromSeconds(30);

    private readonly string _work;
    private readonly Process _tracer;
    private readonly BpftraceTarget _target;
    private readonly List<string> _messages = [];
    private readonly Lock _messagesLock = new();
    private readonly Action<string> _forward;
    private readonly Task _stderrPump;
    private readonly Task _stdoutPump;
    private bool _attached;
    private int _forwarded;

    private BpftraceSession(string work, Process tracer, BpftraceTarget target, Action<string> forward)
    {
        _work = work;
        _tracer = tracer;
        _target = target;
        _forward = forward;
        _stderrPump = PumpAsync(tracer.StandardError);
        _stdoutPump = PumpAsync(tracer.StandardOutput);
    }

    /// <summary>The file bpftrace writes the trace to.</summary>
    public string TracePath => Path.Combine(_work, "trace.txt");

    private string ProgramStdoutPath => Path.Combine(_work, "program.stdout");

    private string ProgramStderrPath => Path.Combine(_work, "program.stderr");

    /// <summary>
    /// Starts bpftrace. Its locked-memory limit is raised first where the kernel allows; its stdout and stderr are
    /// read by the session: once the probes are attached, what is not noise goes to <paramref name="forwardMessage"/>.
    /// </summary>
    public static BpftraceSession Start(string script, BpftraceTarget target, Action<string> forwardMessage)
    {
        string work = Directory.CreateTempSubdirectory("gotrace-trace-").FullName;
        try
        {
            string scriptPath = Path.Combine(work, "trace.bt");
            File.WriteAllText(scriptPath, script);
            File.WriteAllText(Path.Combine(work, "trace.txt"), string.Empty);
            var start = new ProcessStartInfo("bpftrace")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(Path.Combine(work, "trace.txt"));
            if (target.CommandLine is { } commandLine)
            {
                // bpftrace splits -c on spaces, so the program runs through a shell that execs it: it keeps the pid
                // bpftrace started (cpid, which every probe filters on), and its output goes to files gotrace tails,
                // apart from bpftrace's own messages.
                string stdoutPath = Path.Combine(work, "program.stdout"), stderrPath = Path.Combine(work, "program.stderr");
                File.WriteAllText(stdoutPath, string.Empty);
                File.WriteAllText(stderrPath, string.Empty);
                string wrapper = Path.Combine(work, "run.sh");
                File.WriteAllText(wrapper, $"exec {string.Join(' ', commandLine.Select(Quote))} >>{Quote(stdoutPath)} 2>>{Quote(stderrPath)}\n");
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add("/bin/sh " + wrapper);
            }
            else
            {
                start.ArgumentList.Add("-p");
                start.ArgumentList.Add(target.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            start.ArgumentList.Add(scriptPath);
            if (Environment.GetEnvironmentVariable("BPFTRACE_PERF_RB_PAGES") is null)
            {
                start.Environment["BPFTRACE_PERF_RB_PAGES"] = "8192";
            }

            Posix.TryRaiseMemlock();
            Process tracer = Process.Start(start) ?? throw new IOException("cannot start bpftrace");
            return new BpftraceSession(work, tracer, target, forwardMessage);
        }
        catch
        {
            TryDelete(work);
            throw;
        }
    }

    /// <summary>
    /// Tails the trace into <paramref name="trace"/> and the program's output into its sinks until bpftrace exits:
    /// when the program or process ends, or after a stop (Ctrl-C through <paramref name="stop"/>, or
    /// <paramref name="duration"/> after bpftrace started: it writes its output in blocks, so the trace cannot tell
    /// the moment its probes attached, which takes about a second).
    /// </summary>
    /// <param name="trace">Receives the trace as it grows, in chunks (lines may be split between chunks).</param>
    /// <param name="programStdout">Receives the program's standard output.</param>
    /// <param name="programStderr">Receives the program's standard error.</param>
    /// <param name="duration">Stops bpftrace this long after it started; null for never.</param>
    /// <param name="stopping">
    /// Called on this loop's thread, between chunks of <paramref name="trace"/>, as bpftrace is told to stop, with the
    /// time on its clock (CLOCK_MONOTONIC ns): what the trace shows after it is incomplete (probes detach one by one).
    /// </param>
    /// <param name="stop">Ctrl-C.</param>
    /// <param name="sideWork">
    /// Called on this loop's thread, between chunks of <paramref name="trace"/>, every round until it says
    /// <see cref="SideWork.Done"/>, with whether the trace's first line (written in bpftrace's BEGIN, after every probe
    /// is in) has been seen: work that must see the program once the probes are attached, done in steps. A
    /// <paramref name="duration"/> waits for it to finish (the probes may attach after the duration on a loaded
    /// machine), up to 30 s more; Ctrl-C stops it between two steps.
    /// </param>
    public async Task<BpftraceEnd> RunAsync(
        Action<ReadOnlySpan<byte>> trace, Action<ReadOnlySpan<byte>> programStdout, Action<ReadOnlySpan<byte>> programStderr, TimeSpan? duration, Action<long>? stopping, CancellationToken stop, Func<bool, SideWork>? sideWork = null)
    {
        using var traceFile = new Tail(TracePath);
        using Tail? stdoutFile = _target.CommandLine is null ? null : new Tail(ProgramStdoutPath);
        using Tail? stderrFile = _target.CommandLine is null ? null : new Tail(ProgramStderrPath);
        byte[] carry = new byte[BeginMarker.Length - 1];
        int carried = 0;
        var sinceStart = Stopwatch.StartNew();
        bool stoppedEarly = false, stoppedAtDuration = false;
        Stopwatch? sinceStop = null;
        bool interruptSent = false;
        SideWork side = sideWork is null ? SideWork.Done : SideWork.Waiting;
        while (true)
        {
            bool any = false;
            any |= traceFile.Pump(chunk =>
            {
                if (!_attached)
                {
                    _attached = ContainsMarker(carry.AsSpan(0, carried), chunk);
                    carried = Math.Min(chunk.Length, carry.Length);
                    chunk[^carried..].CopyTo(carry);
                }

                trace(chunk);
            });
            any |= stdoutFile?.Pump(programStdout) ?? false;
            any |= stderrFile?.Pump(programStderr) ?? false;
            if (_attached)
            {
                ForwardMessages();
            }

            if (sideWork is not null && sinceStop is null)
            {
                side = sideWork(_attached);
                sideWork = side == SideWork.Done ? null : sideWork;
            }

            if (any)
            {
                continue;
            }

            if (_tracer.HasExited)
            {
                break;
            }

            if (sinceStop is null && stop.IsCancellationRequested)
            {
                stoppedEarly = true;
                sinceStop = Stopwatch.StartNew();
            }
            else if (sinceStop is null && duration is { } limit && sinceStart.Elapsed >= limit && (side == SideWork.Done || sinceStart.Elapsed >= limit + s_sideWorkGrace))
            {
                stoppedAtDuration = true;
                sinceStop = Stopwatch.StartNew();
            }

            if (sinceStop is not null)
            {
                // A program started by bpftrace got Ctrl-C too (one process group): give it a moment to finish. An
                // attached process keeps running: stop bpftrace at once, so it detaches and writes its END line.
                TimeSpan grace = _target.CommandLine is null || stoppedAtDuration ? TimeSpan.Zero : TimeSpan.FromSeconds(5);
                if (!interruptSent && sinceStop.Elapsed >= grace)
                {
                    if (Posix.MonotonicNanoseconds() is var now and > 0)
                    {
                        stopping?.Invoke(now);
                    }

                    interruptSent = Posix.Signal(_tracer.Id, Posix.SigInt);
                }

                if (sinceStop.Elapsed >= grace + TimeSpan.FromSeconds(10))
                {
                    Stop();
                }
            }

            if (side != SideWork.More || sinceStop is not null)
            {
                // Side work with more to do comes back without the idle pause; a stop is still seen between its steps.
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
            }
        }

        await _tracer.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(_stderrPump, _stdoutPump).ConfigureAwait(false);
        traceFile.Pump(trace);
        stdoutFile?.Pump(programStdout);
        stderrFile?.Pump(programStderr);
        if (_attached)
        {
            ForwardMessages();
        }

        lock (_messagesLock)
        {
            return new BpftraceEnd(_tracer.ExitCode, _attached, stoppedEarly, stoppedAtDuration, [.. _messages]);
        }
    }

    public void Dispose()
    {
        Stop();
        _tracer.Dispose();
        TryDelete(_work);
    }

    private static bool ContainsMarker(ReadOnlySpan<byte> carried, ReadOnlySpan<byte> chunk)
    {
        if (chunk.IndexOf(BeginMarker) >= 0)
        {
            return true;
        }

        Span<byte> seam = stackalloc byte[carried.Length + Math.Min(chunk.Length, BeginMarker.Length)];
        carried.CopyTo(seam);
        chunk[..(seam.Length - carried.Length)].CopyTo(seam[carried.Length..]);
        return seam.IndexOf(BeginMarker) >= 0;
    }

    private void ForwardMessages()
    {
        lock (_messagesLock)
        {
            for (; _forwarded < _messages.Count; _forwarded++)
            {
                if (!BpftraceMessages.IsNoise(_messages[_forwarded]))
                {
                    _forward(_messages[_forwarded]);
                }
            }
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        string? line;
        while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lock (_messagesLock)
                {
                    _messages.Add(line);
                }
            }
        }
    }

    private void Stop()
    {
        try
        {
            if (!_tracer.HasExited)
            {
                _tracer.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is not worth failing the run for.
        }
    }

    /// <summary>A file read as it grows.</summary>
    private sealed class Tail(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        private readonly byte[] _buffer = new byte[1 << 16];

        /// <summary>Passes on what was appended since the last call; true when there was something.</summary>
        public bool Pump(Action<ReadOnlySpan<byte>> sink)
        {
            bool any = false;
            int read;
            while ((read = _stream.Read(_buffer)) > 0)
            {
                sink(_buffer.AsSpan(0, read));
                any = true;
            }

            return any;
        }

        public void Dispose() => _stream.Dispose();
    }
}

/// <summary>Where a program's output goes: the real console stream byte for byte, or a writer (tests capture it).</summary>
internal static class OutputSink
{
    public static Action<ReadOnlySpan<byte>> For(TextWriter writer)
    {
        if (writer is GuardedWriter guarded)
        {
            writer = guarded.Inner;
        }

        if (ReferenceEquals(writer, Console.Out) || ReferenceEquals(writer, Console.Error))
        {
            bool isOut = ReferenceEquals(writer, Console.Out);
            Stream raw = isOut ? Console.OpenStandardOutput() : Console.OpenStandardError();
            return bytes =>
            {
                writer.Flush();
                raw.Write(bytes);
                raw.Flush();
            };
        }

        Decoder decoder = new UTF8Encoding(false).GetDecoder();
        return bytes =>
        {
            char[] chars = new char[decoder.GetCharCount(bytes, flush: false)];
            int count = decoder.GetChars(bytes, chars, flush: false);
            writer.Write(chars, 0, count);
        };
    }
}

/// <summary>What a step of <see cref="BpftraceSession.RunAsync"/>'s side work says.</summary>
internal enum SideWork
{
    /// <summary>Finished: not called again.</summary>
    Done,

    /// <summary>Not begun yet (waiting for the probes): called again after the usual pause; a duration waits for it.</summary>
    Waiting,

    /// <summary>Begun, with more to do: called again at once; a duration waits for it.</summary>
    More,
}
