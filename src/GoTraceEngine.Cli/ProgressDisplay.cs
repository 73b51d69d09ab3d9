using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace GoTraceEngine.Cli;

/// <summary>A progress bar with events/s on stderr while a big file replays; shown only when stderr is a terminal.</summary>
internal static class ProgressDisplay
{
    public static async Task RunAsync(Task work, Func<long> bytesRead, long totalBytes, Func<long> eventsRead, TextWriter stderr)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Ansi = Environment.GetEnvironmentVariable("NO_COLOR") is null ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = InteractionSupport.Yes,
        });
        var clock = Stopwatch.StartNew();
        await console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("replay", maxValue: Math.Max(1, totalBytes));
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(200)).ConfigureAwait(false);
                    double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                    task.Value = bytesRead();
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"replay {eventsRead() / seconds / 1e6:0.0} M events/s");
                }

                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
    }
}
