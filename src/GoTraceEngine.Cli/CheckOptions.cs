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

    public Option<string[]> Ignore { get; } = new("--ignore") { Description = "Ignore leak groups whose start function or creator matches this glob (* and ?); repeatable. Example: --ignore 'net/http.*'", HelpName = "<GLOB>", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> IgnoreReason { get; } = new("--ignore-reason") { Description = "Ignore leak groups blocked for this reason (a name such as select or 'chan receive', _ for a space, or a code); repeatable.", HelpName = "<REASON>" };

    public Option<string?> Baseline { get; } = new("--baseline") { Description = "Accept the leak groups recorded in this file (written by --write-baseline).", HelpName = "<FILE>" };

    public Option<string?> WriteBaseline { get; } = new("--write-baseline") { Description = "Record the current leak groups as accepted, and pass.", HelpName = "<FILE>" };

    public Option<string?> JUnit { get; } = new("--junit") { Description = "Also write JUnit XML: one test case per leak group.", HelpName = "<FILE>" };

    public CheckOptions()
    {
        IgnoreReason.Validators.Add(result =>
        {
            foreach (string reason in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!LeakBudget.IsKnownReason(reason))
                {
                    result.AddError($"--ignore-reason '{reason}' names no reason{UsageErrors.Suggest(LeakBudget.NormalizeReason(reason), ReasonTable.KnownNames)}; give a reason name such as 'chan receive' or select, or a code");
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
        if (EndedEarly.PreventsVerdict(summary) is { } why)
        {
            await context.Stderr.WriteLineAsync($"gotrace: no verdict: {why}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        LeakBaseline? accepted = null;
        if (parse.GetValue(Baseline) is { } baselinePath)
        {
            accepted = await ReadBaselineAsync(baselinePath, cancellationToken).ConfigureAwait(false);
        }

        string[] ignore = parse.GetValue(Ignore) ?? [];
        string[] ignoreReasons = parse.GetValue(IgnoreReason) ?? [];
        long budget = parse.GetValue(MaxLeaks);
        CheckResult result = new LeakBudget(ignore, ignoreReasons, accepted, budget).Judge(summary);
        try
        {
            if (parse.GetValue(WriteBaseline) is { } writePath)
            {
                LeakBaseline recorded = LeakBudget.BaselineOf(result);
                await OutputFile.WriteAsync(writePath, stream => { JsonSerializer.Serialize(stream, recorded, CheckJsonContext.Default.LeakBaseline); return 0; }, cancellationToken).ConfigureAwait(false);
                result = new LeakBudget(ignore, ignoreReasons, recorded, budget).Judge(summary);
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
        LeakBaseline? baseline;
        try
        {
            if (Directory.Exists(path))
            {
                throw new CliException(ExitCodes.Error, $"cannot read baseline '{path}': it is a directory");
            }

            baseline = JsonSerializer.Deserialize(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), CheckJsonContext.Default.LeakBaseline);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Error, $"cannot read baseline '{path}': not baseline JSON (at {e.Path ?? "$"}, line {(e.LineNumber ?? 0) + 1}: {(e.InnerException is OverflowException or FormatException ? "a number out of range" : "unexpected content")})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Error, $"cannot read baseline '{path}': {Replay.Describe(e)}", e);
        }

        string? problem = baseline switch
        {
            null => "it is empty (null)",
            { Version: not 1 } => $"version {baseline.Version} is not one this gotrace reads (it writes version 1)",
            { Groups: null } => "it has no \"groups\" list",
            _ => baseline.Groups.Select((g, i) => g is null ? $"group {i + 1} is null"
                    : g.Count < 0 ? $"group {i + 1} ({g.StartFunction ?? "(unknown)"}: {g.Reason}) has a negative count ({g.Count})"
                    : g.Reason is null ? $"group {i + 1} has no reason"
                    : null).FirstOrDefault(p => p is not null),
        };
        return problem is null ? baseline! : throw new CliException(ExitCodes.Error, $"cannot use baseline '{path}': {problem}");
    }
}
