using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>Runs the engine over a file or standard input for any command; I/O failures become one line on stderr.</summary>
internal static class Replay
{
    /// <summary>Replays <paramref name="path"/> ('-' for stdin); returns the completed engine, or null after reporting an error.</summary>
    public static async Task<TraceEngine?> RunEngineAsync(CliContext context, string path, TraceEngineOptions options, bool progress, CancellationToken cancellationToken)
    {
        var engine = new TraceEngine(options);
        try
        {
            if (path == "-")
            {
                Stream stdin = context.OpenStdin();
                await using (stdin.ConfigureAwait(false))
                {
                    await engine.ReplayAsync(stdin, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (progress && new FileInfo(path) is { Exists: true, Length: > 64 << 20 } info)
            {
                Task replay = engine.ReplayFileAsync(path, cancellationToken).AsTask();
                await ProgressDisplay.RunAsync(replay, () => engine.BytesRead, info.Length, () => engine.EventsRead, context.Stderr).ConfigureAwait(false);
                await replay.ConfigureAwait(false);
            }
            else
            {
                await engine.ReplayFileAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: report what was read, marked incomplete.
            engine.Complete(IncompleteReason.Interrupted, EndedEarly.ReplayInterrupted);
            return engine;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await context.Stderr.WriteLineAsync($"gotrace: cannot read '{path}': {Describe(e)}").ConfigureAwait(false);
            return null;
        }

        return engine;
    }

    /// <summary>Replays and returns the report, or null after reporting an error.</summary>
    public static async Task<TraceSummary?> RunAsync(CliContext context, string path, TraceEngineOptions options, CancellationToken cancellationToken) =>
        (await RunEngineAsync(context, path, options, progress: context.StderrIsTerminal, cancellationToken).ConfigureAwait(false))?.GetSummary();

    /// <summary>The one-line reason an input or baseline could not be read.</summary>
    internal static string Describe(Exception e) => e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        InvalidDataException => "the compressed data is corrupt: " + e.Message,
        _ => GotraceCommand.OneLine(e.Message),
    };

    /// <summary>
    /// Opens the process's standard input, or fails in one line when the shell closed it (<c>gotrace replay - &lt;&amp;-</c>).
    /// On Linux an inherited fd 0 never has close-on-exec; when it was closed, the runtime's own pipes take fd 0 and do,
    /// and reading it would wait forever.
    /// </summary>
    public static Stream OpenStandardInput()
    {
        if (OperatingSystem.IsLinux())
        {
            const int CloseOnExec = 0x80000;
            string? flags;
            try
            {
                flags = File.ReadLines("/proc/self/fdinfo/0").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                flags = null;
                if (!File.Exists("/proc/self/fdinfo/0"))
                {
                    throw new CliException(ExitCodes.Error, "standard input is closed: give a trace file, or pipe a trace in");
                }
            }

            if (flags is not null && (Convert.ToInt32(flags[6..].Trim(), 8) & CloseOnExec) != 0)
            {
                throw new CliException(ExitCodes.Error, "standard input is closed: give a trace file, or pipe a trace in");
            }
        }

        return Console.OpenStandardInput();
    }
}
