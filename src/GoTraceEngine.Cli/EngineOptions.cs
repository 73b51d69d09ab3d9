using System.CommandLine;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>The options every command that runs the engine shares: reason numbering, time window, leak threshold.</summary>
internal sealed class EngineOptions
{
    public Option<string?> Go { get; } = new("--go")
    {
        Description = "Go version of the traced program (e.g. 1.22, go1.19.8), used when the trace has no '# gotrace' header. Default: 1.22.",
        HelpName = "VERSION",
    };

    public Option<string> Reasons { get; } = new("--reasons")
    {
        Description = "What reason= carries when the trace has no header: trace (traceBlockReason) or wait (waitReason).",
        DefaultValueFactory = _ => "trace",
    };

    public Option<string?> LeakAfter { get; } = new("--leak-after")
    {
        Description = "A floor under the verdict: a goroutine is a leak only when it has been blocked at least this long at the end of the trace (e.g. 500ms, 30s, 1m). Default: the verdict alone decides.",
        HelpName = "DURATION",
    };

    public Option<string?> ReorderWindow { get; } = new("--reorder-window")
    {
        Description = "How late (in trace time) a timestamped event may arrive and still be put in order. Default: 2s.",
        HelpName = "DURATION",
    };

    public Option<string?> MaxClockJump { get; } = new("--max-clock-jump")
    {
        Description = "A ts= further than this from the trace's clock (ahead or behind) is corrupt: a diagnostic, and the event is applied in arrival order. Default: 1h.",
        HelpName = "DURATION",
    };

    public Option<long?> MaxGoroutines { get; } = UsageErrors.OptionalInteger(
        "--max-goroutines", "Track at most this many live goroutines; past the cap creates are counted, and the report is incomplete. Default: 4194304.", 1, int.MaxValue);

    public Option<string> Threads { get; } = new("--threads")
    {
        Description = "Threads a replay uses: 1 (frame, parse and apply on one), 2 (both parse chunks of the input and take turns applying them in order), apply (parse on one, apply on the other: the older split, for comparison), or auto (2 once the input is past 4 MiB, on a machine with more than one processor). Reports are identical.",
        HelpName = "auto|1|2|apply",
        DefaultValueFactory = _ => "auto",
    };

    public EngineOptions()
    {
        Threads.AcceptOnlyFromAmong("auto", "1", "2", "apply");
        Reasons.AcceptOnlyFromAmong("trace", "wait");
        Go.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !GoVersion.TryParse(value, out _))
            {
                result.AddError($"'{value}' is not a Go version (expected e.g. 1.22 or go1.19.8).");
            }
        });
        foreach (Option<string?> duration in new[] { LeakAfter, ReorderWindow, MaxClockJump })
        {
            duration.Validators.Add(result =>
            {
                string? value = result.GetValueOrDefault<string?>();
                if (value is not null && !DurationParser.TryParse(value, out _))
                {
                    result.AddError($"'{value}' is not a duration (expected e.g. 500ms, 30s, 1m).");
                }
            });
        }
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Go);
        command.Options.Add(Reasons);
        command.Options.Add(LeakAfter);
        command.Options.Add(ReorderWindow);
        command.Options.Add(MaxClockJump);
        command.Options.Add(MaxGoroutines);
        command.Options.Add(Threads);

        // Checks across options fail the parse, so every command reports them the same way (one line, exit 2).
        command.Validators.Add(result =>
        {
            try
            {
                GoVersion version = GoVersion.Default;
                if (result.GetValue(Go) is { } go && !GoVersion.TryParse(go, out version))
                {
                    return;
                }

                if (result.GetValue(Reasons) == "wait" && !ReasonTable.TryFor(ReasonNumbering.Wait, version, out _))
                {
                    result.AddError($"no waitReason table is known for {version}; use --reasons trace");
                }

            }
            catch (InvalidOperationException)
            {
                // A value its option rejects (--reasons why) is reported by that option's own error.
            }
        });
    }

    /// <summary>Builds engine options from a parse the validators accepted.</summary>
    public TraceEngineOptions Build(ParseResult parse)
    {
        GoVersion version = GoVersion.Default;
        if (parse.GetValue(Go) is { } go)
        {
            GoVersion.TryParse(go, out version);
        }

        ReasonNumbering numbering = parse.GetValue(Reasons) == "wait" ? ReasonNumbering.Wait : ReasonNumbering.Trace;

        ReplayParallelism parallelism = parse.GetValue(Threads) switch
        {
            "1" => ReplayParallelism.SingleThread,
            "2" => ReplayParallelism.ParallelParse,
            "apply" => ReplayParallelism.ApplyThread,
            _ => ReplayParallelism.Auto,
        };
        var options = new TraceEngineOptions { GoVersion = version, ReasonNumbering = numbering, Parallelism = parallelism };
        if (parse.GetValue(LeakAfter) is { } leakAfter && DurationParser.TryParse(leakAfter, out TimeSpan threshold))
        {
            options = options with { LeakAfter = threshold };
        }

        if (parse.GetValue(ReorderWindow) is { } window && DurationParser.TryParse(window, out TimeSpan span))
        {
            options = options with { ReorderWindow = span };
        }

        if (parse.GetValue(MaxClockJump) is { } jump && DurationParser.TryParse(jump, out TimeSpan limit) && limit > TimeSpan.Zero)
        {
            options = options with { MaxClockJump = limit };
        }

        if (parse.GetValue(MaxGoroutines) is { } max)
        {
            options = options with { MaxGoroutines = (int)max };
        }

        return options;
    }
}
