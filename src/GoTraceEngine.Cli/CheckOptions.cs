using System.CommandLine;
using System.Text.Json;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>The CI gate's options and verdict, shared by <c>gotrace check</c> and <c>gotrace trace --check</c>.</summary>
internal sealed class CheckOptions
{
    public Option<string> Format { get; } = new("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };

    public Option<long> MaxLeaks { get; } = new("--max-leaks") { Description = "How many leaked goroutines (not ignored, not in the baseline) are allowed.", DefaultValueFactory = _ => 0 };

    public Option<string[]> Ignore { get; } = new("--ignore") { Description = "Ignore leak groups whose start function or creator matches this glob (* and ?); repeatable.", HelpName = "GLOB", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> IgnoreReason { get; } = new("--ignore-reason") { Description = "Ignore leak groups blocked for this reason (name, e.g. select, or code); repeatable.", HelpName = "NAME" };

    public Option<string?> Baseline { get; } = new("--baseline") { Description = "Accept the leak groups recorded in this file (written by --write-baseline).", HelpName = "FILE" };

    public Option<string?> WriteBaseline { get; } = new("--write-baseline") { Description = "Record the current leak groups as accepted, and pass.", HelpName = "FILE" };

    public Option<string?> JUnit { get; } = new("--junit") { Description = "Also write JUnit XML: one test case per leak group.", HelpName = "FILE" };

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
        if (parse.GetValue(MaxLeaks) < 0)
        {
            await context.Stderr.WriteLineAsync("gotrace: --max-leaks must be 0 or more").ConfigureAwait(false);
            return GotraceCommand.ExitError;
        }

        if (EndedEarly.PreventsVerdict(summary) is { } why)
        {
            await context.Stderr.WriteLineAsync($"gotrace: no verdict: {why}").ConfigureAwait(false);
            return GotraceCommand.ExitError;
        }

        LeakBaseline? accepted = null;
        if (parse.GetValue(Baseline) is { } baselinePath)
        {
            try
            {
                accepted = JsonSerializer.Deserialize(await File.ReadAllTextAsync(baselinePath, cancellationToken).ConfigureAwait(false), CheckJsonContext.Default.LeakBaseline);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot read baseline '{baselinePath}': {Replay.Describe(e)}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }
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
            return GotraceCommand.ExitError;
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

        return result.Passed ? GotraceCommand.ExitOk : GotraceCommand.ExitLeaks;
    }
}
