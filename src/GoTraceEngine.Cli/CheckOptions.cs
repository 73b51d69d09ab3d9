using System.CommandLine;
using System.Text.Json;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>The CI gate's options and verdict, shared by <c>gotrace check</c> and <c>gotrace trace --check</c>.</summary>
internal sealed class CheckOptions
{
    public Option<string> Format { get; } = new("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };

    public Option<long> MaxLeaks { get; } = UsageErrors.Integer("--max-leaks", "How many leaked goroutines (not ignored, not in the baseline) are allowed.", 0, long.MaxValue, 0);

    public Option<string[]> Ignore { get; } = new("--ignore") { Description = "Ignore leak groups whose start function or creator matches this glob (* and ?); repeatable. Example: --ignore 'net/http.*'", HelpName = "GLOB", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> IgnoreReason { get; } = new("--ignore-reason") { Description = "Ignore leak groups blocked for this reason (a name such as select or 'chan receive', _ for a space, or a code); repeatable.", HelpName = "REASON" };

    public Option<string?> Baseline { get; } = new("--baseline") { Description = "Accept the leak groups recorded in this file (written by --write-baseline).", HelpName = "FILE" };

    public Option<string?> WriteBaseline { get; } = new("--write-baseline") { Description = "Record the current leak groups as accepted, and pass.", HelpName = "FILE" };

    public Option<string?> JUnit { get; } = new("--junit") { Description = "Also write JUnit XML: one test case per leak group.", HelpName = "FILE" };

    public CheckOptions()
    {
        IgnoreReason.Validators.Add(result =>
        {
            foreach (string reason in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!LeakGate.IsKnownReason(reason))
                {
                    result.AddError($"--ignore-reason '{reason}' names no reason{UsageErrors.Suggest(LeakGate.NormalizeReason(reason), ReasonTable.KnownNames)}; give a reason name such as 'chan receive' or select, or a code");
                }
            }
        });
    }

    public void AddTo(Command command, bool withFormat)
    {
        if (withFormat)
        {
            Format.AcceptOnlyFromAmong("text", "json");
            command.Options.Add(Format);
        }

        command.Options.Add(MaxLeaks);
        command.Options.Add(Ignore);
        command.Options.Add(IgnoreReason);
        command.Options.Add(Baseline);
        command.Options.Add(WriteBaseline);
        command.Options.Add(JUnit);
    }

    /// <summary>Judges the report against the budget, writes the baseline and JUnit files asked for, prints the verdict; returns the exit code.</summary>
    public async Task<int> JudgeAsync(CliContext context, ParseResult parse, TraceSummary summary, bool json, CancellationToken cancellationToken)
    {
        if (LeakGate.NoVerdictReason(summary) is { } why)
        {
            await context.Stderr.WriteLineAsync($"gotrace: no verdict: {why}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        LeakBaseline? accepted = null;
        if (parse.GetValue(Baseline) is { } baselinePath)
        {
            accepted = await ReadBaselineAsync(baselinePath, cancellationToken).ConfigureAwait(false);
        }

        var gate = new LeakGateOptions
        {
            MaxLeaks = parse.GetValue(MaxLeaks),
            Ignore = parse.GetValue(Ignore) ?? [],
            IgnoreReasons = parse.GetValue(IgnoreReason) ?? [],
            Baseline = accepted,
        };
        GateVerdict result = new LeakGate(gate).Judge(summary);
        try
        {
            if (parse.GetValue(WriteBaseline) is { } writePath)
            {
                LeakBaseline recorded = LeakGate.BaselineOf(result);
                await OutputFile.WriteAsync(writePath, stream => { stream.Write(System.Text.Encoding.UTF8.GetBytes(recorded.ToJson())); return 0; }, cancellationToken).ConfigureAwait(false);
                result = new LeakGate(gate with { Baseline = recorded }).Judge(summary);
            }

            if (parse.GetValue(JUnit) is { } junitPath)
            {
                await OutputFile.WriteAsync(junitPath, stream => { JUnitWriter.Write(result, stream); return 0; }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await context.Stderr.WriteLineAsync($"gotrace: cannot write: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        if (json)
        {
            var verdict = new CheckResultJson(result.Passed, result.MaxLeaks, result.Offending, summary.LeakAfterNs, result.Groups, summary.Warnings);
            await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(verdict, CheckJsonContext.Default.CheckResultJson)).ConfigureAwait(false);
        }
        else
        {
            CheckCommand.WriteText(result, context.Stdout);
        }

        return result.Passed ? ExitCodes.Ok : ExitCodes.Leaks;
    }

    /// <summary>Reads and checks a baseline; anything unusable stops the run in one line (exit 2), never a silent pass.</summary>
    internal static async Task<LeakBaseline> ReadBaselineAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw new CliException(ExitCodes.Error, $"cannot read baseline '{path}': it is a directory");
            }

            return LeakBaseline.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.Error, $"cannot {(e.Message.StartsWith("not baseline JSON", StringComparison.Ordinal) ? "read" : "use")} baseline '{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Error, $"cannot read baseline '{path}': {Replay.Describe(e)}", e);
        }
    }
}
